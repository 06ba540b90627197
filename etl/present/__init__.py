"""Presentation without Streamlit: DataFrames → Vega-Lite charts (``charts``), safe CSV/XLSX
downloads (``exports``), the interface language and labels (``i18n``) and the URL contract of
a shared link (``urlstate``).

Pages call these; none of them imports Streamlit, so each is testable on its own. May import
:mod:`etl.model`, :mod:`etl.metrics`, :mod:`etl.store` and :mod:`etl.query`.
"""
