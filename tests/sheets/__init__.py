"""Tests of :mod:`etl.sheets`: spreadsheet layouts, validation and bad uploads."""
