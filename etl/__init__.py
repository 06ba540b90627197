"""Gongkai's library, one sub-package per pipeline stage, imports running one way down it:

``read`` (file → Document) → ``extract`` (Document → Reports with facts, evidence and findings)
→ ``sheets`` (analysts' spreadsheets → Reports) → ``store`` (DuckDB: schema, the one write
path, corrections, access) → ``query`` (read-only SQL → DataFrames) → ``present`` (charts,
downloads, language, URL state); ``demo`` generates documents with known answers and the demo
and province databases through the real loader. At the top: ``model`` (the shared types),
``metrics`` (the metric dictionary, whose ids are a contract), ``progress`` (progress counters)
and ``cli`` (``python -m etl``). Streamlit is imported only by ``dashboard.py`` and ``pages/``.
``tests/test_layout.py`` fails on an import cycle or an import up the pipeline.
"""
