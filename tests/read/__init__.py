"""Tests of :mod:`etl.read`: format sniffing, the readers of each format, limits, fuzzing."""
