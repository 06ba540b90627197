"""Tests of :mod:`etl.demo`: the demo corpus and database against their plan."""
