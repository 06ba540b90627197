"""Tests of :mod:`etl.store`: schema and writes, the loader, the inbox writer, corrections, access,
crash safety and concurrency."""
