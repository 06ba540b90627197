"""Queries: read-only SQL over the database → pandas DataFrames, one function per figure a page
shows.

Owns the overview, report and quality queries (``overview``) and the analysis pages' queries
(``analysis``: disclosure, categories, requests, investment). Queries know nothing of Streamlit
or of charts: they may import :mod:`etl.model`, :mod:`etl.metrics` and :mod:`etl.store`.
"""
