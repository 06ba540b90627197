"""Tests, one folder per stage of ``etl/`` (read, extract, sheets, store, query, present, demo), the
pages (AppTest) and the real browser; shared helpers in ``helpers/``, shared fixtures in
``conftest.py``."""
