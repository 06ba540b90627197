"""Messages about uploaded files in the view's language (etl/present/input_text.py): one example
of every shape the readers, the spreadsheet parser and validator, the loader and the upload page
write, and the messages real bad inputs produce, all rendered in Chinese."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from etl.model import InputError
from etl.present import i18n
from etl.present import input_text as it
from etl.present.input_text import finding_rules, input_message, place_text
from etl.sheets.validate import Problem

FALLBACK = i18n.t("in_unknown", "zh")
NAME = "年度报告 (1).pdf"
#: an exception's text, kept as printed inside the parentheses
EXC = "BadZipFile: File is not a zip file"
#: technical names that stay in Latin letters: formats, encodings, paths and dotted names
#: (file names, metric ids, extensions), the applicant keys and setting names
_TECHNICAL = re.compile(
    r"[\w/\[\]]*\.\w+|\*_\w+|GONGKAI_\w+|\b(?i:utf)-[\w-]+|\b(?:PDF|PDFium|DOCX|XLSX|ZIP|CSV|HTML|RTF|UTF|GBK|"
    r"GB18030|BOM|MIME|Unicode|Excel|Office|PowerPoint|OpenDocument|xlsx|xlsm|xls|docx|doc|wps|"
    r"XML|sha256|metric_id|natural_person|commercial|research|public_welfare|legal_services|"
    r"other_org)\b")
_LATIN = re.compile(r"[A-Za-z]{3,}")
_PARENS = re.compile(r"（(?:原始记录：)?([^（）]*)）")
_QUOTED = re.compile(r"'[^']*'")


def english_left(zh: str, original: str, names: tuple[str, ...] = ()) -> list[str]:
    """English words (3+ Latin letters) a translation still holds outside file and sheet
    ``names``, technical names and the texts it keeps verbatim in parentheses or quotes
    (exception texts, cell contents)."""
    out = zh
    for name in names:
        out = out.replace(name, "")
    out = _PARENS.sub(lambda m: "" if m.group(1) in original else m.group(0), out)
    out = _QUOTED.sub(lambda m: "" if m.group(0) in original else m.group(0), out)
    return _LATIN.findall(_TECHNICAL.sub("", out))


def assert_chinese(original: str, rules: dict[str, str] | None = None, names: tuple[str, ...] = ()) -> str:
    zh = input_message(original, "zh", rules)
    assert not zh.startswith(FALLBACK), (original, zh)
    left = english_left(zh, original, names)
    assert not left, (original, zh, left)
    assert input_message(original, "en", rules) == original
    return zh


#: every reason and problem message, built as the code builds it (module: f-string)
REASONS: tuple[str, ...] = (
    # etl/read/dispatch.py
    "cannot be opened: Permission denied",
    "cannot be read: Is a directory",
    "structure nested too deeply to read",
    "not enough memory to read this file",
    f"could not be read ({EXC})",
    f"could not be read (ValueError: {'x' * 600}"[:500],  # cut at 500 characters
    "is a spreadsheet (XLSX), not a report document; load it as a spreadsheet "
    "(upload template, long format or 表三 grid — etl.sheets.parse)",
    # etl/read/sniff.py
    f"damaged ZIP container (truncated or corrupt DOCX/XLSX?): {EXC}",
    "OpenDocument file (application/vnd.oasis.opendocument.text) is not supported; save it as .docx or .xlsx",
    "PowerPoint file is not supported; save it as PDF",
    "DOCX without its main part word/document.xml (damaged?)",
    "a ZIP archive that is neither a DOCX nor an XLSX; unpack it and load the files inside",
    "file is empty (0 bytes of content)",
    "old binary Office format (.doc/.xls/.wps) is not supported; save it as .docx or .xlsx",
    "RTF is not supported; save it as .docx",
    "an image (a scan?); Gongkai reads reports with a text layer: load the PDF or DOCX the agency published",
    "a compressed archive; unpack it and load the files inside",
    "not a PDF, DOCX, HTML or text file although its name ends in .pdf: the content is unrecognised binary data",
    "not a PDF, DOCX, HTML or text file: the content is unrecognised binary data",
    "the name ends in .xlsx but the content is plain text, not an Excel workbook; if it is a table, "
    "save it as .csv (or as a real .xlsx) and load it again",
    # etl/read/limits.py
    "file is 300 MB; the limit is 200 MB per file (split the document or load its tables as a spreadsheet)",
    "archive has 20000 parts; the limit is 10000",
    "archive would expand to more than 300 MB (zip bomb?); refused before decompressing",
    "part expands 1024× (8 MB), more than the 200× limit (zip bomb?); refused before decompressing",
    "reading took longer than the 60 s limit per file; stopped",
    "more than 20,000,000 characters of text; the limit was reached",
    # etl/read/textio.py
    "not valid utf-16-le text despite its byte-order mark",
    "not readable as text (tried UTF-8, UTF-16, GB18030 and detection)",
    # etl/read/docx.py, cells.py, html.py, pdf.py
    "table grid larger than 200,000 cells (hostile spans?)",
    "table grid larger than 200,000 cells",
    "tables nested more than 50 levels deep",
    "damaged DOCX: the document text is not well-formed XML (truncated or edited by hand?)",
    "damaged DOCX (not a readable ZIP): Bad magic number for central directory",
    "damaged DOCX: Error -3 while decompressing data: invalid stored block lengths",
    "DOCX whose document has no body",
    "DOCX without a readable main document (KeyError)",
    "HTML page without readable content (Document is empty)",
    "HTML page without readable content",
    "HTML page larger than the 50 MB limit",
    "damaged web archive (HeaderParseError)",
    "web archive (.mht) without an HTML page inside",
    "HTML elements nested deeper than 250 levels (hostile or broken page)",
    "damaged PDF that cannot be opened (Failed to load document (PDFium: Data format error).)",
    "PDF has 2,500 pages; the limit is 2,000",
    "PDF has no pages (damaged?)",
    "page cannot be loaded (Failed to load page.)",
    # etl/sheets/parse.py
    "corrupt or unreadable spreadsheet (CalamineError: Cannot detect file format)",
    "CSV starts as UTF-16 but is not valid UTF-16 text",
    "CSV is neither UTF-8 nor GBK text; save it as UTF-8 CSV",
    "refused: row 3 has 1,200 columns (limit 1,000)",
    "refused: more than 300,000 rows",
    "malformed CSV (field larger than field limit (131072))",
    "not a spreadsheet (use the report loader for this file)",
    "unknown metric 'requests.foo' in the header; this column is not loaded",
    "row label not recognised as a 表三 row; row ignored",
    "表三 header not recognised: the applicant columns (自然人, 商业企业 … 总计) were not found",
    "no 表三 row recognised (一、本年新收… to 四、结转下年度继续办理)",
    "agency not found: put 填报单位：<name> above the table or name the sheet after the agency",
    "year not found: put 2023年 above the table or in the sheet name",
    "sheet not recognised (not the template, long format or 表三); ignored: no header row with two or "
    "more filled cells in the first 20 rows",
    "sheet not recognised (not the template, long format or 表三); ignored: row 2 has 名称, 数量, …; "
    "missing columns agency/机关, year/年度, metric_id/指标, value/数值",
    "no sheet in the layout of the template, the long format (agency, year, metric_id, breakdown, value) "
    "or the 表三 grid",
    "no sheet in the layout of the template, the long format (agency, year, metric_id, breakdown, value) "
    "or the 表三 grid (sheet 封面: no header row with two or more filled cells in the first 20 rows; "
    "sheet 数据: row 1 has 名称, 数量; missing columns year/年度)",
    # etl/sheets/validate.py
    f"corrupt or truncated xlsx file ({EXC})",
    "not an xlsx workbook (the zip has no xl/workbook.xml)",
    "not a docx document (the zip has no word/document.xml)",
    "refused: a sheet claims 1,048,576 rows × 16,384 columns (limits 300,000 rows, 1,000 columns)",
    "cannot be opened (Permission denied)",
    "too large: 300 MB (the limit is 200 MB per file)",
    "the file is empty",
    "the file is empty (only blank space)",
    "unsupported file type .pptx; accepted: .xlsx, .xlsm, .xls, .csv, .pdf, .docx, .html, .htm, .txt, .md, .markdown",
    "unsupported file type (no extension); accepted: .xlsx, .csv",
    "not a .xlsx file: its content is a PDF",
    "not a .pdf file: its content is a zip archive (xlsx/docx)",
    "not a .csv file: its content is an old binary Office file (.xls/.doc)",
    "not a .docx file: its content is binary data",
    "not a .xls file: its content is plain text",
    "agency missing",
    "unknown agency '戊市商务乐': a new agency will be created when the file is loaded (closest known: 戊市商务局、甲市商务局)",
    "unknown agency '戊市商务乐': a new agency will be created when the file is loaded (no similar name is known)",
    "year missing or not a year",
    "year 1990 out of range (2000–2025)",
    "unknown metric 'foo.bar' (see the metric list sheet of the template)",
    "unknown applicant breakdown '某某'; use one of: (empty)=总计, natural_person=自然人, commercial=商业企业",
    "this metric takes no breakdown; leave the breakdown cell empty",
    "text in a numeric cell (本年新收政府信息公开申请数量, requests.received)",
    "unknown unit '公斤' for disclosure.admin_fees_cny (expected cny)",
    "unit '万元' does not fit disclosure.items, which is stored in count",
    "5 万元 converted to 50,000 yuan (unit column says 万元)",
    "3 万美元 converted to 30,000 dollars (header says 万美元)",
    "5.5 looks small for operations.request_fees_cny, which is stored in yuan: was it entered in 万? "
    "(state 万元 in the unit column or the header to convert)",
    "negative value for requests.denied (不予公开（小计）); only *_change and *_yoy_pct may be negative",
    "duplicate of 数据!E13 (same value; the duplicate is ignored)",
    "duplicate of 数据!E17 with a different value (5 there)",
    # etl/store/loader.py, etl/sheets/preview.py, etl/store/writer.py, etl/store/connection.py
    "the file changed while it was being loaded",
    "no numbers to load (every data row is empty); nothing was written",
    "no such file",
    "not a regular file",
    "the file is empty (0 bytes)",
    "could not be archived (No space left on device); nothing was written",
    "could not be stored (IOException: disk full); nothing was written",
    "already loaded with the same content",
    "already loaded (same content); nothing changed",
    "already loaded (same content, sha256 9aa47404453c…); nothing will change",
    "5 reports, 120 facts",
    "not loaded — 3 error(s); fix the file or load only the valid rows",
    "not loaded — no valid rows",
    "loaded 1 report(s), 2 fact(s)",
    "loaded 1 report(s), 2 fact(s), 1 row(s) with errors skipped",
    "not loaded (the load was stopped)",
    "not loaded (the load was interrupted)",
    "no report found in the file",
    "database /srv/gongkai/gongkai.duckdb is locked by another process (pid 4242); waited 30 s; nothing was written",
    "database /srv/gongkai/gongkai.duckdb is locked by another process; waited 30 s; nothing was written",
    "the dashboard runs read-only (GONGKAI_READ_ONLY)",
    # pages/upload.py: an exception while writing
    "KeyError: 'report_id'",
)


@pytest.mark.parametrize("reason", REASONS)
def test_every_reason_alone_and_after_the_file_name(reason: str) -> None:
    assert_chinese(reason)
    zh = assert_chinese(str(InputError(NAME, reason)))
    assert zh.startswith(f"{NAME}：")


def test_every_known_shape_has_an_example() -> None:
    """A shape added to input_text without an example here would go untested."""
    for pat, _rep in it._REASONS:
        assert any(pat.fullmatch(r) for r in REASONS), pat.pattern


def test_translations_read_as_written() -> None:
    assert input_message("report.pdf: too large: 300 MB (the limit is 200 MB per file)", "zh") == \
        "report.pdf：文件过大：300 MB（每个文件最大 200 MB）"
    assert input_message("not a .xlsx file: its content is a PDF", "zh") == "不是 .xlsx 文件：其内容是 PDF 文件"
    label = i18n.metric_label("disclosure.items", "zh")
    assert input_message("unit '万元' does not fit disclosure.items, which is stored in count", "zh") == \
        f"单位 '万元' 不适用于{label}（disclosure.items）（该指标以件为单位）"
    assert input_message("unsupported file type (no extension); accepted: .xlsx, .csv", "zh") == \
        "不支持的文件类型 （无扩展名）；可以上传：.xlsx、.csv"
    assert input_message("x.csv: loaded 1 report(s), 2 fact(s), 1 row(s) with errors skipped", "zh") == \
        "x.csv：已写入报告 1 份、数值 2 个（跳过 1 行有错误的数据）"


@pytest.mark.parametrize(("place", "zh"), [
    ("page 3", "第 3 页"), ("row 5", "第 5 行"), ("sheet 数据", "工作表 数据"), ("table 2", "第 2 个表格"),
    ("byte 0", "第 0 字节"), ("zip directory", "ZIP 目录"), ("zip part word/media/a.png", "ZIP 部件 word/media/a.png"),
    ("word/document.xml, line 3, column 12", "word/document.xml，第 3 行，第 12 列"),
    ("sheet 数据, row 4, column C", "工作表 数据，第 4 行，C 列"), ("MIME structure", "MIME 结构"),
    ("MIME parts", "MIME 部分"), ("element nesting", "元素嵌套"), ("PDF structure", "PDF 结构"),
    ("page count", "页数"), ("page tree", "页面树"), ("sheet1.xml", "sheet1.xml"),
])
def test_places(place: str, zh: str) -> None:
    assert place_text(place) == zh
    got = assert_chinese(str(InputError(NAME, "PDF has no pages (damaged?)", place)))
    assert got == f"{NAME}（{zh}）：PDF 没有页面（文件已损坏？）"


def test_problem_lines_and_refused_spreadsheets() -> None:
    from etl.store.loader import spreadsheet_problems_text

    p1 = Problem("表.xlsx", "text in a numeric cell (予以公开, requests.granted)", "error", "数据", 3, "E", "很多")
    p2 = Problem("表.xlsx", "agency missing", "error", "数据", 4, "A")
    p3 = Problem("表.xlsx", "no sheet in the layout of the template, the long format (agency, year, "
                            "metric_id, breakdown, value) or the 表三 grid")
    one = str(InputError("表.xlsx", spreadsheet_problems_text([p1])))
    assert assert_chinese(one) == ("表.xlsx：工作表 数据，第 3 行，E 列：数值单元格中填的是文字（予以公开，"
                                   "requests.granted）（单元格内容：'很多'）；未写入任何内容")
    many = str(InputError("表.xlsx", spreadsheet_problems_text([p1, p2, p3] * 20)))
    zh = assert_chinese(many)
    assert zh.startswith("表.xlsx：有 60 个问题，未写入任何内容：\n  - 工作表 数据，第 3 行")
    assert zh.endswith("……另有 10 条")
    for p in (p1, p2, p3):
        assert assert_chinese(str(p)).startswith("错误：表.xlsx")
    assert assert_chinese("skipped sheet 数据, row 4, column A: agency missing") == \
        "已跳过：工作表 数据，第 4 行，A 列：缺少机构名称"


def test_findings_in_previews_use_the_findings_wording() -> None:
    from types import SimpleNamespace

    from etl.model import Finding

    msg = "表三 column 总计: the outcome rows sum to 12, but 总计 is printed as 13"
    got = assert_chinese(f"戊市商务局 2023: {msg}")
    assert got == "戊市商务局 2023：表三 总计 列：各办理结果行之和为 12，但总计印为 13"
    # with the rule known, a finding whose shape findings_text does not know is explained by it
    odd = "表三 (flattened text): columns unclear"
    rules = finding_rules([SimpleNamespace(findings=[Finding("table_unreadable", "error", odd)])])
    assert rules == {odd: "table_unreadable"}
    got = assert_chinese(f"? 2023: {odd}", rules)
    assert got.startswith("? 2023：表格无法可靠读取")
    # a reader's warning stored as a finding: its own "name: page N:" head is kept whole
    warn = "a.pdf: page 3: a table's font has no Unicode map; its grid was skipped (numbers come from the page text only)"
    assert assert_chinese(f"? ?: {warn}") == \
        "? ?：a.pdf：第 3 页：表格字体没有 Unicode 映射，跳过其网格（数字只取自页面文字）"


def test_unknown_shapes_fall_back_to_a_chinese_sentence() -> None:
    for text in ("x.pdf: something odd happened", "gremlins in the machine",
                 "x.csv: sheet a, row 3: a brand new complaint"):
        got = input_message(text, "zh")
        assert got == f"{FALLBACK}（{i18n.t('fd_detail', 'zh')}：{text}）"
        assert input_message(text, "en") == text
    assert input_message("报告：文件被占用", "zh") == "报告：文件被占用"  # Chinese already
    assert input_message("", "zh") == ""


# --- real messages from real bad inputs ----------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def _xlsx(rows: list[list[object]], title: str = "Sheet") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_LONG = "agency,year,metric_id,breakdown,value,unit\n"
UPLOADS: dict[str, bytes] = {
    "empty.csv": b"",
    "blank.csv": b"  \n \n",
    "corrupt.xlsx": b"PK\x03\x04" + b"garbage" * 20,
    "fake.xlsx": b"%PDF-1.4 not a workbook",
    "slides.pptx": _zip({"ppt/presentation.xml": b"<p/>"}),
    "letter.rtf": b"{\\rtf1 hello}",
    "rtf.txt": b"{\\rtf1 hello}",
    "scan.pdf": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
    "damaged.pdf": b"%PDF-1.4\n garbage",
    "damaged.docx": _zip({"word/document.xml": b"<w:document><w:body><w:p>"}),
    "nobody.docx": _zip({"foo.xml": b"<a/>"}),
    "old.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
    "utf16.csv": b"\xff\xfe\x00\xd8",
    "未知指标.csv": "填报机关 (agency),年度 (year),收到 (requests.foo),金额 (fees.bar)\n戊市商务局,2023,5,6\n".encode(),
    "表三.xlsx": _xlsx([["项目", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
                             ["一、本年新收政府信息公开申请数量", 1, 0, 0, 0, 0, 0, 1],
                             ["乱七八糟", 1, 0, 0, 0, 0, 0, 1]], title="表三"),
    "其他表格.xlsx": _xlsx([["名称", "数量"], ["a", 1]], title="数据"),
    "长表.csv": (_LONG
                 + "戊市商务乐,2023,requests.received,,很多,\n"
                 + "戊市商务局,1990,requests.granted,,5,\n"
                 + ",2023,requests.granted,,5,\n"
                 + "戊市商务局,2023,foo.bar,,5,\n"
                 + "戊市商务局,2023,requests.received,某某,5,\n"
                 + "戊市商务局,2023,disclosure.items,x,5,\n"
                 + "戊市商务局,2023,requests.denied,,-5,\n"
                 + "戊市商务局,2023,operations.spending_cny,,5,万元\n"
                 + "戊市商务局,2023,operations.request_fees_cny,,5.5,\n"
                 + "戊市商务局,2023,disclosure.admin_fees_cny,,5,公斤\n"
                 + "戊市商务局,2023,disclosure.items,,5,万元\n"
                 + "戊市商务局,2023,requests.processed_total,,5,\n"
                 + "戊市商务局,2023,requests.processed_total,,5,\n"
                 + "戊市商务局,2022,requests.processed_total,,5,\n"
                 + "戊市商务局,2022,requests.processed_total,,6,\n").encode(),
    "identities.csv": (_LONG
                       + "戊市商务局,2023,requests.received,,10,\n"
                       + "戊市商务局,2023,requests.carried_over_in,,0,\n"
                       + "戊市商务局,2023,requests.granted,,3,\n"
                       + "戊市商务局,2023,requests.processed_total,,9,\n"
                       + "戊市商务局,2023,requests.carried_over_out,,0,\n"
                       + "戊市商务局,2023,disclosure.items,,很多,\n").encode(),
}
#: through the report readers directly (the upload guard refuses most of these earlier)
READER_INPUTS: dict[str, bytes] = {
    "scan.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
    "a.gz": b"\x1f\x8b\x08" + b"\0" * 20,
    "x.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
    "r.rtf": b"{\\rtf1 x}",
    "p.pptx": _zip({"ppt/presentation.xml": b"<p/>"}),
    "z.zip": _zip({"a.txt": b"x"}),
    "o.odt": _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
    "e.txt": b"  ",
    "bin.pdf": bytes(range(256)) * 10,
    "w.xlsx": b"PK\x03\x04" + b"garbage" * 20,
    "sheet.xlsx": b"a,b\n1,2\n",
    "d.docx": _zip({"word/x.xml": b"<a/>"}),
    "damaged.docx": _zip({"word/document.xml": b"<w:document><w:body><w:p>"}),
    "damaged.pdf": b"%PDF-1.4\n garbage",
    "bom.txt": b"\xef\xbb\xbf\xff\xfe abc",
    "book.xlsx": _zip({"xl/workbook.xml": b"<a/>"}),
}


@pytest.fixture
def con(tmp_path: Path):
    from etl.store import database as store

    c = store.connect(tmp_path / "messages.duckdb")
    c.execute("INSERT INTO agencies (agency_id, name) VALUES (1, '戊市商务局')")
    yield c
    c.close()


def test_real_messages_from_bad_inputs_render_in_chinese(tmp_path: Path, con) -> None:
    from etl.read.dispatch import read_data
    from etl.sheets.parse import parse_spreadsheet
    from etl.sheets.preview import preview_upload
    from etl.store.loader import extract_spreadsheet_checked, load_file, load_spreadsheet

    messages: list[tuple[str, dict[str, str], tuple[str, str]]] = []
    for name, data in UPLOADS.items():
        path = tmp_path / name
        path.write_bytes(data)
        pv = preview_upload(path, con, name=name)
        rules = finding_rules(pv.extracted or (pv.parsed.reports if pv.parsed else []))
        names = (name, Path(name).stem)  # a CSV's one sheet is named after the file
        if pv.message:
            messages.append((pv.message, rules, names))
        messages += [(m, rules, names) for p in pv.problems for m in (p.message, str(p))]
        if pv.parsed is not None:
            messages.append((load_spreadsheet(path, con, name=name, parsed=pv.parsed).message, rules, names))
            try:
                extract_spreadsheet_checked(path, con, name)
            except InputError as exc:
                messages.append((str(exc), rules, names))
        if pv.status == "refused":
            messages.append((load_file(path, con, name=name).message, rules, names))
    notes = tmp_path / "notes.txt"
    notes.write_text("本机关 2023 年政府信息公开工作年度报告", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        parse_spreadsheet(notes, con)
    messages.append((str(exc.value), {}, ()))
    for name, data in READER_INPUTS.items():
        with pytest.raises(InputError) as exc:
            read_data(data, name)
        messages.append((str(exc.value), {}, ()))

    seen = {m for m, _r, _n in messages}
    # the inputs reach the shapes the brief names (not only the easy ones)
    for needle in ("unknown metric 'requests.foo' in the header", "agency not found", "year not found",
                   "row label not recognised", "sheet not recognised", "unsupported file type .pptx",
                   "unsupported file type .rtf", "RTF is not supported", "damaged PDF",
                   "damaged DOCX", "the file is empty", "corrupt or truncated xlsx file",
                   "not a spreadsheet", "closest known: 戊市商务局", "表三 column 总计",
                   "not loaded — ", "nothing was written", "an image (a scan?)"):
        assert any(needle in m for m in seen), needle
    for message, rules, names in messages:
        assert_chinese(message, rules, names)
