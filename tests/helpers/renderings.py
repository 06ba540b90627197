"""The corpus documents as people receive them: each published page rendered by the tools that
agencies and readers use, cached between runs.

A report reaches users as the agency's PDF (LibreOffice from Debian turning the HTML into PDF,
as many agencies make theirs), as the agency's DOCX (the page saved by Writer as Word) and the
PDF made from that DOCX (Writer's own PDF export, not the web-page one), as text pulled out of
the first PDF (``pdftotext`` raw and
``-layout``), as Markdown made from it (``markitdown``, ``pymupdf4llm``), or as text copied from
the web page (``inscriptis``, ``html2text``, a browser's ``innerText`` through Playwright). Each
tool garbles tables its own way; the gold answers stay the same.

Renderings are cached outside the checkout, under ``~/.cache/gongkai/renderings/`` (or
``GONGKAI_RENDER_CACHE``), by the sha256 of the source and the rendering's name, so that only the
first run on a machine pays for LibreOffice and the browser. A tool that is not installed makes
:func:`render` raise :class:`Unavailable`.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("GONGKAI_RENDER_CACHE") or Path.home() / ".cache" / "gongkai" / "renderings")
CACHE_VERSION = "1"


class Unavailable(RuntimeError):
    """The tool a rendering needs is not installed here."""


def _pdf(html: Path, out: Path) -> None:
    if html.suffix == ".html":
        how = ["--convert-to", "pdf:writer_web_pdf_Export"]
    else:  # a text report typed into Writer and saved as PDF, as an office would
        how = ["--infilter=Text (encoded):UTF8,LF,,,", "--convert-to", "pdf:writer_pdf_Export"]
    _soffice(html, out, how)


def _soffice(src: Path, out: Path, how: list[str]) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise Unavailable("LibreOffice (Debian libreoffice-writer-nogui) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / f"page{src.suffix}"
        shutil.copyfile(src, page)
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{Path(tmp) / 'profile'}", "--headless", *how,
             "--outdir", str(Path(tmp) / "out"), str(page)],
            check=True, capture_output=True, timeout=180,
        )
        made = list((Path(tmp) / "out").iterdir())
        if len(made) != 1:
            raise RuntimeError(f"LibreOffice made {len(made)} files from {src.name}")
        shutil.move(str(made[0]), out)


def _docx(src: Path, out: Path) -> None:
    """The page (or text report) saved by Writer as a Word document; a web page's frames become
    text boxes, as in DOCX files agencies publish."""
    infilter = "HTML (StarWriter)" if src.suffix == ".html" else "Text (encoded):UTF8,LF,,,"
    _soffice(src, out, [f"--infilter={infilter}", "--convert-to", "docx:MS Word 2007 XML"])


def _docx_pdf(docx: Path, out: Path) -> None:
    _soffice(docx, out, ["--convert-to", "pdf:writer_pdf_Export"])


def _pdftotext(args: list[str]) -> Callable[[Path, Path], None]:
    def run(pdf: Path, out: Path) -> None:
        exe = shutil.which("pdftotext")
        if not exe:
            raise Unavailable("pdftotext (Debian poppler-utils) is not installed")
        subprocess.run([exe, *args, "-enc", "UTF-8", str(pdf), str(out)], check=True,
                       capture_output=True, timeout=120)
    return run


def _markitdown(pdf: Path, out: Path) -> None:
    try:
        from markitdown import MarkItDown
    except ImportError as exc:  # pragma: no cover - a dev requirement
        raise Unavailable(f"markitdown: {exc}") from None
    out.write_text(MarkItDown().convert(str(pdf)).text_content, encoding="utf-8")


def _pymupdf4llm(pdf: Path, out: Path) -> None:
    try:
        import pymupdf4llm
    except ImportError as exc:  # pragma: no cover - a dev requirement
        raise Unavailable(f"pymupdf4llm: {exc}") from None
    out.write_text(pymupdf4llm.to_markdown(str(pdf), show_progress=False), encoding="utf-8")


def _html_bytes_text(html: Path) -> str:
    from etl.read.html import decode_html

    text, _enc, _w = decode_html(html.read_bytes(), html.name)
    return text


def _inscriptis(html: Path, out: Path) -> None:
    try:
        from inscriptis import get_text
    except ImportError as exc:  # pragma: no cover - a dev requirement
        raise Unavailable(f"inscriptis: {exc}") from None
    out.write_text(get_text(_html_bytes_text(html)), encoding="utf-8")


def _html2text(html: Path, out: Path) -> None:
    try:
        import html2text
    except ImportError as exc:  # pragma: no cover - a dev requirement
        raise Unavailable(f"html2text: {exc}") from None
    h = html2text.HTML2Text()
    h.body_width = 0
    out.write_text(h.handle(_html_bytes_text(html)), encoding="utf-8")


def _browser(html: Path, out: Path) -> None:
    chromium = shutil.which("chromium")
    if not chromium:
        raise Unavailable("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        try:
            page = browser.new_page()
            # no network: the page's scripts and images point at the government site
            page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                       else route.continue_())
            page.goto(html.resolve().as_uri(), wait_until="domcontentloaded", timeout=60_000)
            out.write_text(page.evaluate("document.body.innerText"), encoding="utf-8")
        finally:
            browser.close()


#: rendering name → (what it is made from: "html" (the source) or another rendering, file
#: suffix, maker)
RENDERINGS: dict[str, tuple[str, str, Callable[[Path, Path], None]]] = {
    "pdf-libreoffice": ("html", ".pdf", _pdf),
    "docx": ("html", ".docx", _docx),
    "docx-pdf": ("docx", ".pdf", _docx_pdf),
    "pdftotext-raw": ("pdf-libreoffice", ".txt", _pdftotext(["-raw"])),
    "pdftotext-layout": ("pdf-libreoffice", ".txt", _pdftotext(["-layout"])),
    "markitdown": ("pdf-libreoffice", ".md", _markitdown),
    "pymupdf4llm": ("pdf-libreoffice", ".md", _pymupdf4llm),
    "inscriptis": ("html", ".txt", _inscriptis),
    "html2text": ("html", ".md", _html2text),
    "browser-copy": ("html", ".txt", _browser),
}


def renderings_for(source: Path) -> list[str]:
    """The renderings a corpus document reaches people in: a web page in all of them, a text
    report (the archive's page.txt of a narrative report) as the PDF and the DOCX an office makes
    of it in Writer and what PDF tools make of that PDF."""
    if source.suffix == ".html":
        return list(RENDERINGS)
    return [name for name, (base, _s, _m) in RENDERINGS.items()
            if base == "pdf-libreoffice" or name in ("pdf-libreoffice", "docx")]


def render(html: Path, name: str) -> Path:
    """The rendering ``name`` of the published page (or text report) ``html`` (cached)."""
    source_kind, suffix, make = RENDERINGS[name]
    digest = hashlib.sha256(html.read_bytes() + CACHE_VERSION.encode()).hexdigest()[:16]
    out = CACHE / f"{html.parent.name}-{digest}" / f"{name}{suffix}"
    if out.exists() and out.stat().st_size:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    src = html if source_kind == "html" else render(html, source_kind)
    tmp = out.with_suffix(out.suffix + ".tmp")
    make(src, tmp)
    tmp.replace(out)
    return out
