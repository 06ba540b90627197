"""Tests of :mod:`etl.store`: schema and writes, the loader, the writers' lock, corrections, access,
crash safety and concurrency."""
