"""Helpers shared by the tests: page runs (``pages``), real-world extraction (``realworld``) and a
real dashboard server (``server``)."""
