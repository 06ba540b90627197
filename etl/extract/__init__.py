"""Extraction: a Document → the Reports in it, each with agency, year, kind, form, facts (with
evidence) and findings.

Owns splitting a file into reports (``split``), metadata and agency names (``metadata``,
``agencies``), numerals and dates (``numerals``), the free-text rules (``narrative``), the
national forms 表二/表三/表四 (``forms``, ``formlabels``, ``flatrun``), the identities checked
within and across years (``checks``) and the pipeline that runs them in order (``pipeline``).
An extractor knows the forms and nothing of DuckDB: it may import :mod:`etl.model`,
:mod:`etl.metrics` and :mod:`etl.read`.
"""
