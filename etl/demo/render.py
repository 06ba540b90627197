"""Every format of one spec by name: the text renderings of :mod:`etl.demo.fixtures` and the
binary ones of :mod:`etl.demo.docx_pdf`.

Why a module of its own: the binary writers build on the fixtures' layouts, so the one function
that offers both has to sit above them, or the two modules would import each other.
python-docx and reportlab still load only when a DOCX or PDF is asked for.
"""
from __future__ import annotations

from etl.demo.fixtures import Quirks, StandardReport, render_html, render_md, render_txt


def render(spec: StandardReport, fmt: str, quirks: Quirks | None = None) -> bytes:
    """Bytes of ``spec`` in ``fmt``: txt, md, html (utf-8), html-gbk, docx, pdf."""
    if fmt == "txt":
        return render_txt(spec, quirks).encode("utf-8")
    if fmt == "txt-gbk":
        return render_txt(spec, quirks).encode("gbk")
    if fmt == "md":
        return render_md(spec, quirks).encode("utf-8")
    if fmt in ("html", "html-utf8"):
        return render_html(spec, quirks, "utf-8")
    if fmt == "html-gbk":
        return render_html(spec, quirks, "gbk")
    if fmt == "docx":
        from etl.demo import docx_pdf

        return docx_pdf.render_docx(spec, quirks)
    if fmt == "pdf":
        from etl.demo import docx_pdf

        return docx_pdf.render_pdf(spec, quirks)
    raise ValueError(f"unknown fixture format: {fmt}")


FORMAT_SUFFIX = {"txt": ".txt", "txt-gbk": ".txt", "md": ".md", "html": ".html",
                 "html-utf8": ".html", "html-gbk": ".htm", "docx": ".docx", "pdf": ".pdf"}
