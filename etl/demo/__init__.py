"""Demo data: documents generated from known numbers, and the databases built from them.

Owns the fixture generators of every format (``fixtures`` for the specs and text renderings,
``docx_pdf`` for the binary ones, ``render`` for any format by name), the demo city's agencies
(``registry``), the demo corpus and database built through the real loader (``corpus``;
``python -m etl.demo [DIR]`` compares every loaded fact with its plan) and the province-scale
synthetic database (``synth``). Tests and benchmarks use it; the pipeline never does. May
import every stage up to :mod:`etl.store`, never ``query`` or ``present``.
"""
