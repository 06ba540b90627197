"""Tests of :mod:`etl.extract`: splitting, metadata, numerals, narrative rules, the national forms,
checks, real-world layouts and the seed compilation."""
