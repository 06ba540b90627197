"""Reading: any report file (PDF, HTML/MHT, DOCX, Markdown, text) → :class:`etl.model.Document`.

Owns format sniffing from the bytes (``sniff``), the readers of each format (``pdf``, ``html``,
``docx``, ``text``), text decoding (``textio``), the table-rendering helpers they share
(``cells``), the limits every hostile input is refused by (``limits``), the compiled-pattern
cache the readers and the extraction rules share (``recache``, here because every stage above
may import this one) and the one entry point ``dispatch.read_file``. A reader knows file formats and nothing of metrics, forms or the
database: it may import :mod:`etl.model` only.
"""
