"""Spreadsheets: analysts' xlsx/xls/csv files (the project's template, the long format, the
official 表三 grid) → Reports, every problem named with sheet, row, column and cell.

Owns parsing (``parse``), validation (``validate``), the downloadable template (``template``)
and the upload preview that says what a file would add or change (``preview``). Nothing here
writes: :mod:`etl.store.loader` does. May import :mod:`etl.model`, :mod:`etl.metrics`,
:mod:`etl.read` and :mod:`etl.extract`; it reads the database only through a connection it is
handed.
"""
