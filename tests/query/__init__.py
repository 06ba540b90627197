"""Tests of :mod:`etl.query` on the small database of ``tests/conftest.py``."""
