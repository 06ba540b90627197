"""Tests of :mod:`etl.present`: charts, downloads, the URL contract."""
