"""Messages about uploaded files in the view's language: why a file was refused, what is wrong
with a spreadsheet's cells, why a write failed (no Streamlit).

The readers (``etl/read/*.py``), the spreadsheet parser and validator (``etl/sheets/*.py``) and
the loader (``etl/store/loader.py``) write their messages in English, for the command line and
the logs; the upload page must not show them inside the Chinese interface. As in
:mod:`etl.present.findings_text`, each known shape is a whole-message regex whose groups (file
names, places, numbers, sheet names, cell contents, metric ids) are kept as printed and the
English words translated. A message is taken apart the way it was put together: an
``InputError`` is ``file (place): reason``, a problem line is ``sheet S, row R: message [cell:
'…']``, a refused spreadsheet lists such lines. Messages of extracted reports' findings go to
:func:`etl.present.findings_text.finding_message`. A shape not known here is shown as a generic
Chinese sentence with the original after it, never as English alone.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable, Mapping

from etl.present import i18n
from etl.present.findings_text import _LATIN_WORD, finding_message  # one notion of "English left"

i18n.register({
    "in_unknown": ("处理文件时出现问题", "A problem with the file"),
})

_Rep = str | Callable[[re.Match[str]], str]


def _metric(mid: str) -> str:
    """A metric as an analyst knows it, with the id typed in the sheet (to find it there)."""
    label = i18n.metric_label(mid, "zh")
    return mid if label == mid else f"{label}（{mid}）"


def _money(word: str) -> str:
    return "元" if word == "yuan" else "美元"


def _unit(unit: str) -> str:
    return i18n.unit_label(unit, "zh")


def _spaced(text: str) -> str:
    """A space before a Latin word that follows Chinese text (``其内容是 PDF 文件``)."""
    return f" {text}" if text[:1].isascii() else text


def _listed(text: str) -> str:
    """An English enumeration (``a, b, c``) with the Chinese enumeration comma."""
    return text.replace(", ", "、")


#: what validate's sniffer says a file's content is (``_SNIFF_LABEL``)
_CONTENT = {
    "a zip archive (xlsx/docx)": "ZIP 压缩包（xlsx/docx）",
    "a PDF": "PDF 文件",
    "an old binary Office file (.xls/.doc)": "旧版二进制 Office 文件（.xls/.doc）",
    "binary data": "二进制数据",
    "plain text": "纯文本",
}
#: the long-format columns an unrecognised sheet lacks (parse ``_header_seen``)
_COLUMN_NAMES = {"agency/机关": "机关", "year/年度": "年度", "metric_id/指标": "指标（metric_id）",
                 "value/数值": "数值"}
_FROM = {"unit column": "单位列", "header": "表头", "unit": "单位"}


def _seen(text: str) -> str:
    """What an unrecognised sheet's header row holds (``: row N has …; missing columns …``)."""
    if text == ": no header row with two or more filled cells in the first 20 rows":
        return "：前 20 行中没有至少两个单元格有内容的表头行"
    m = re.fullmatch(r": row (\d+) has (.*?)(?:; missing columns (.*))?", text, re.S)
    if not m:
        return text
    out = f"：第 {m.group(1)} 行为 {_listed(m.group(2))}"
    if m.group(3):
        out += "；缺少列 " + "、".join(_COLUMN_NAMES.get(c, c) for c in m.group(3).split(", "))
    return out


def _unrecognised_sheets(text: str) -> str:
    """``sheet A: row 1 has …; sheet B: …`` (the sheets no layout fitted) in Chinese."""
    parts = re.split(r"; (?=sheet )", text)
    out = []
    for part in parts:
        m = re.fullmatch(r"sheet (.+?)(: (?:no header row|row \d+ has).*)", part, re.S)
        out.append(f"工作表 {m.group(1)}{_seen(m.group(2))}" if m else part)
    return "；".join(out)


_S = r"(\S+)"
_NUM = r"([\d,]+(?:\.\d+)?)"
#: whole reasons and problem messages → Chinese, one per shape the code writes (see the module
#: docstring for where they come from); tried in order, the more specific shape first
_REASONS: tuple[tuple[re.Pattern[str], _Rep], ...] = tuple(
    (re.compile(a, re.S), b) for a, b in (
        # etl/read/dispatch.py
        (r"cannot be opened: (.*)", r"无法打开（\1）"),
        (r"cannot be read: (.*)", r"无法读取（\1）"),
        (r"structure nested too deeply to read", "文件结构嵌套过深，无法读取"),
        (r"not enough memory to read this file", "内存不足，无法读取此文件"),
        (r"could not be read \((.*?)\)?", r"无法读取（\1）"),  # cut at 500 characters: ")" may be gone
        (r"is a spreadsheet \(XLSX\), not a report document; load it as a spreadsheet \(upload "
         r"template, long format or 表三 grid — etl\.sheets\.parse\)",
         "是电子表格（XLSX），不是报告文件；请作为电子表格上传（填报模板、长表或表三）"),
        # etl/read/sniff.py
        (r"damaged ZIP container \(truncated or corrupt DOCX/XLSX\?\): (.*)",
         r"ZIP 容器已损坏，可能是不完整或损坏的 DOCX/XLSX 文件（\1）"),
        (r"OpenDocument file \((.*)\) is not supported; save it as \.docx or \.xlsx",
         r"不支持 OpenDocument 文件（\1）；请另存为 .docx 或 .xlsx"),
        (r"PowerPoint file is not supported; save it as PDF", "不支持 PowerPoint 文件；请另存为 PDF"),
        (r"DOCX without its main part word/document\.xml \(damaged\?\)",
         "DOCX 缺少主体部分 word/document.xml（文件已损坏？）"),
        (r"a ZIP archive that is neither a DOCX nor an XLSX; unpack it and load the files inside",
         "这是 ZIP 压缩包，既不是 DOCX 也不是 XLSX；请解压后上传其中的文件"),
        (r"file is empty \(0 bytes of content\)", "文件为空（没有任何内容）"),
        (r"old binary Office format \(\.doc/\.xls/\.wps\) is not supported; save it as \.docx or \.xlsx",
         "不支持旧版二进制 Office 格式（.doc/.xls/.wps）；请另存为 .docx 或 .xlsx"),
        (r"RTF is not supported; save it as \.docx", "不支持 RTF 格式；请另存为 .docx"),
        (r"an image \(a scan\?\); Gongkai reads reports with a text layer: load the PDF or DOCX the "
         r"agency published",
         "这是图片（扫描件？）；本系统只能读取带文字层的报告：请上传机构发布的 PDF 或 DOCX 文件"),
        (r"a compressed archive; unpack it and load the files inside", "这是压缩包；请解压后上传其中的文件"),
        (r"not a PDF, DOCX, HTML or text file(?: although its name ends in (\S+))?: the content is "
         r"unrecognised binary data",
         lambda m: ("不是 PDF、DOCX、HTML 或文本文件"
                    + (f"（虽然文件名以 {m.group(1)} 结尾）" if m.group(1) else "")
                    + "：内容是无法识别的二进制数据")),
        (r"the name ends in (\S+) but the content is plain text, not an Excel workbook; if it is a "
         r"table, save it as \.csv \(or as a real \.xlsx\) and load it again",
         r"文件名以 \1 结尾，但内容是纯文本，不是 Excel 工作簿；如果是表格，请另存为 .csv（或真正的 .xlsx）后重新上传"),
        # etl/read/limits.py
        (rf"file is {_NUM} MB; the limit is {_NUM} MB per file \(split the document or load its "
         r"tables as a spreadsheet\)",
         r"文件过大：\1 MB，每个文件最大 \2 MB（请拆分文件，或把其中的表格作为电子表格上传）"),
        (rf"archive has {_NUM} parts; the limit is {_NUM}", r"压缩包有 \1 个部件，超过 \2 个的上限"),
        (rf"archive would expand to more than {_NUM} MB \(zip bomb\?\); refused before decompressing",
         r"压缩包解压后将超过 \1 MB（疑似压缩炸弹），已在解压前拒绝"),
        (rf"part expands {_NUM}× \({_NUM} MB\), more than the {_NUM}× limit \(zip bomb\?\); refused "
         r"before decompressing",
         r"部件解压后膨胀 \1 倍（\2 MB），超过 \3 倍的上限（疑似压缩炸弹），已在解压前拒绝"),
        (rf"reading took longer than the {_NUM} s limit per file; stopped",
         r"读取时间超过每个文件 \1 秒的上限，已停止"),
        (rf"more than {_NUM} characters of text; the limit was reached", r"文字超过 \1 个字符，已达上限"),
        # etl/read/textio.py
        (rf"not valid {_S} text despite its byte-order mark", r"虽有字节顺序标记（BOM），但不是有效的 \1 文本"),
        (r"not readable as text \(tried UTF-8, UTF-16, GB18030 and detection\)",
         "无法作为文本读取（已尝试 UTF-8、UTF-16、GB18030 和自动识别编码）"),
        # etl/read/docx.py, cells.py, html.py, pdf.py
        (rf"table grid larger than {_NUM} cells \(hostile spans\?\)",
         r"表格网格超过 \1 个单元格（合并单元格异常？）"),
        (rf"table grid larger than {_NUM} cells", r"表格网格超过 \1 个单元格"),
        (r"tables nested more than (\d+) levels deep", r"表格嵌套超过 \1 层"),
        (r"damaged DOCX: the document text is not well-formed XML \(truncated or edited by hand\?\)",
         "DOCX 已损坏：正文不是格式正确的 XML（文件不完整或被手工修改过？）"),
        (r"damaged DOCX \(not a readable ZIP\): (.*)", r"DOCX 已损坏，无法作为 ZIP 读取（\1）"),
        (r"damaged DOCX: (.*)", r"DOCX 已损坏（\1）"),
        (r"DOCX whose document has no body", "DOCX 文档没有正文部分"),
        (r"DOCX without a readable main document \((.*)\)", r"DOCX 没有可读取的主文档（\1）"),
        (r"HTML page without readable content(?: \((.*)\))?",
         lambda m: "HTML 网页没有可读取的内容" + (f"（{m.group(1)}）" if m.group(1) else "")),
        (rf"HTML page larger than the {_NUM} MB limit", r"HTML 网页超过 \1 MB 的上限"),
        (r"damaged web archive \((.*)\)", r"网页存档已损坏（\1）"),
        (r"web archive \(\.mht\) without an HTML page inside", "网页存档（.mht）中没有 HTML 网页"),
        (r"HTML elements nested deeper than (\d+) levels \(hostile or broken page\)",
         r"HTML 元素嵌套超过 \1 层（网页异常或已损坏）"),
        (r"damaged PDF that cannot be opened \((.*)\)", r"PDF 已损坏，无法打开（\1）"),
        (rf"PDF has {_NUM} pages; the limit is {_NUM}", r"PDF 有 \1 页，超过 \2 页的上限"),
        (r"PDF has no pages \(damaged\?\)", "PDF 没有页面（文件已损坏？）"),
        (r"page cannot be loaded \((.*)\)", r"无法加载该页（\1）"),
        # etl/sheets/parse.py (InputError)
        (r"corrupt or unreadable spreadsheet \((.*)\)", r"电子表格已损坏或无法读取（\1）"),
        (r"CSV starts as UTF-16 but is not valid UTF-16 text", "CSV 以 UTF-16 编码开头，但不是有效的 UTF-16 文本"),
        (r"CSV is neither UTF-8 nor GBK text; save it as UTF-8 CSV",
         "CSV 既不是 UTF-8 也不是 GBK 编码；请另存为 UTF-8 编码的 CSV"),
        (rf"refused: row {_NUM} has {_NUM} columns \(limit {_NUM}\)", r"已拒绝：第 \1 行有 \2 列（上限 \3 列）"),
        (rf"refused: more than {_NUM} rows", r"已拒绝：超过 \1 行"),
        (r"malformed CSV \((.*)\)", r"CSV 格式错误（\1）"),
        (r"not a spreadsheet \(use the report loader for this file\)", "不是电子表格（此文件请作为报告文件上传）"),
        # etl/sheets/validate.py (InputError)
        (rf"corrupt or truncated {_S} file \((.*)\)", r"\1 文件已损坏或不完整（\2）"),
        (r"not an xlsx workbook \(the zip has no xl/workbook\.xml\)",
         "不是 xlsx 工作簿（压缩包中没有 xl/workbook.xml）"),
        (r"not a docx document \(the zip has no word/document\.xml\)",
         "不是 docx 文档（压缩包中没有 word/document.xml）"),
        (rf"refused: a sheet claims {_NUM} rows × {_NUM} columns \(limits {_NUM} rows, {_NUM} columns\)",
         r"已拒绝：工作表声明有 \1 行 × \2 列（上限为 \3 行、\4 列）"),
        (r"cannot be opened \((.*)\)", r"无法打开（\1）"),
        (rf"too large: {_NUM} MB \(the limit is {_NUM} MB per file\)", r"文件过大：\1 MB（每个文件最大 \2 MB）"),
        (r"the file is empty", "文件为空"),
        (r"the file is empty \(only blank space\)", "文件为空（只有空白字符）"),
        (r"the file is empty \(0 bytes\)", "文件为空（0 字节）"),
        (r"unsupported file type (.+?); accepted: (.*)",
         lambda m: (f"不支持的文件类型 {'（无扩展名）' if m.group(1) == '(no extension)' else m.group(1)}；"
                    f"可以上传：{_listed(m.group(2))}")),
        (r"not a (\S+) file: its content is (.*)",
         lambda m: f"不是 {m.group(1)} 文件：其内容是{_spaced(_CONTENT.get(m.group(2), m.group(2)))}"),
        # etl/sheets/parse.py (Problem)
        (r"unknown metric ('.*'|\".*\") in the header; this column is not loaded",
         r"表头中的指标 \1 不在指标列表中；此列不写入"),
        (r"row label not recognised as a 表三 row; row ignored", "行标签不是表三中的行；已忽略此行"),
        (r"表三 header not recognised: the applicant columns \(自然人, 商业企业 … 总计\) were not found",
         "无法识别表三表头：未找到申请人各列（自然人、商业企业……总计）"),
        (r"no 表三 row recognised \(一、本年新收… to 四、结转下年度继续办理\)",
         "未识别出任何表三行（一、本年新收……至四、结转下年度继续办理）"),
        (r"agency not found: put 填报单位：<name> above the table or name the sheet after the agency",
         "未找到机构：请在表格上方填写“填报单位：<机构名称>”，或以机构名称命名工作表"),
        (r"year not found: put 2023年 above the table or in the sheet name",
         "未找到年度：请在表格上方或工作表名称中写明年度（如“2023年”）"),
        (r"sheet not recognised \(not the template, long format or 表三\); ignored(: .*)",
         lambda m: "无法识别工作表（不是填报模板、长表或表三），已忽略" + _seen(m.group(1))),
        (r"no sheet in the layout of the template, the long format \(agency, year, metric_id, "
         r"breakdown, value\) or the 表三 grid(?: \((.*)\))?",
         lambda m: ("没有工作表符合填报模板、长表（机关、年度、指标、分项、数值）或表三的格式"
                    + (f"（{_unrecognised_sheets(m.group(1))}）" if m.group(1) else ""))),
        # etl/sheets/validate.py (Problem)
        (r"agency missing", "缺少机构名称"),
        (r"unknown agency (.+): a new agency will be created when the file is loaded \((?:closest "
         r"known: (.*)|no similar name is known)\)",
         lambda m: (f"未知机构 {m.group(1)}：写入时将新建该机构（"
                    + (f"最接近的已知机构：{m.group(2)}" if m.group(2) is not None else "没有相近的已知机构")
                    + "）")),
        (r"year missing or not a year", "缺少年度，或不是有效的年份"),
        (r"year (\d+) out of range \((\d+)–(\d+)\)", r"年度 \1 超出范围（\2–\3）"),
        (r"unknown metric (.+) \(see the metric list sheet of the template\)",
         r"未知指标 \1（请查看填报模板中的指标列表工作表）"),
        (r"unknown applicant breakdown (.+); use one of: \(empty\)=总计, (.*)",
         lambda m: f"未知的申请人分项 {m.group(1)}；可用的分项：（空）=总计、{_listed(m.group(2))}"),
        (r"this metric takes no breakdown; leave the breakdown cell empty", "此指标没有分项；请将分项单元格留空"),
        (r"text in a numeric cell \((.*), (\S+)\)", r"数值单元格中填的是文字（\1，\2）"),
        (r"unknown unit (.+) for (\S+) \(expected (\w+)\)",
         lambda m: f"{_metric(m.group(2))}的单位 {m.group(1)} 无法识别（应为{_unit(m.group(3))}）"),
        (r"unit (.+) does not fit (\S+), which is stored in (\w+)",
         lambda m: f"单位 {m.group(1)} 不适用于{_metric(m.group(2))}（该指标以{_unit(m.group(3))}为单位）"),
        (r"([^\s:]+) (\S+) converted to ([\d,.\-]+) (yuan|dollars) \((unit column|header|unit) says (.+)\)",
         lambda m: (f"{m.group(1)} {m.group(2)} 已换算为 {m.group(3)} {_money(m.group(4))}"
                    f"（{_FROM[m.group(5)]}注明为 {m.group(6)}）")),
        (r"(\S+) looks small for (\S+), which is stored in (yuan|dollars): was it entered in 万\? "
         r"\(state 万元 in the unit column or the header to convert\)",
         lambda m: (f"{m.group(1)} 对于{_metric(m.group(2))}而言偏小（该指标以{_money(m.group(3))}为单位）："
                    "是否按万元填写？（如需换算，请在单位列或表头中注明“万元”）")),
        (r"negative value for (\S+) \((.*)\); only \*_change and \*_yoy_pct may be negative",
         r"\2（\1）为负数；只有增减（*_change）和同比（*_yoy_pct）指标可以为负数"),
        (r"duplicate of (\S+) \(same value; the duplicate is ignored\)", r"与 \1 重复（数值相同，已忽略重复项）"),
        (r"duplicate of (\S+) with a different value \((.*) there\)", r"与 \1 重复，但数值不同（该处为 \2）"),
        # etl/store/loader.py, etl/sheets/preview.py, etl/store/writer.py, etl/store/connection.py
        (r"the file changed while it was being loaded", "文件在加载过程中被修改"),
        (r"no numbers to load \(every data row is empty\); nothing was written",
         "没有可写入的数字（所有数据行均为空）；未写入任何内容"),
        (r"no such file", "文件不存在"),
        (r"not a regular file", "不是普通文件"),
        (r"could not be archived \((.*)\); nothing was written", r"无法存档（\1）；未写入任何内容"),
        (r"could not be stored \((.*)\); nothing was written", r"无法保存到数据库（\1）；未写入任何内容"),
        (r"already loaded with the same content", "已导入过相同内容的文件"),
        (r"already loaded \(same content\); nothing changed", "已导入过（内容相同），没有任何更改"),
        (r"already loaded \(same content, sha256 (\S+)\); nothing will change",
         r"已导入过（内容相同，sha256 \1），不会有任何更改"),
        (r"(\d+) reports, (\d+) facts", r"报告 \1 份，数值 \2 个"),
        (r"not loaded — (\d+) error\(s\); fix the file or load only the valid rows",
         r"未写入：有 \1 个错误；请修改文件，或选择只写入无错误的行"),
        (r"not loaded — no valid rows", "未写入：没有无错误的行"),
        (r"loaded (\d+) report\(s\), (\d+) fact\(s\)(?:, (\d+) row\(s\) with errors skipped)?",
         lambda m: (f"已写入报告 {m.group(1)} 份、数值 {m.group(2)} 个"
                    + (f"（跳过 {m.group(3)} 行有错误的数据）" if m.group(3) else ""))),
        (r"not loaded \(the load was stopped\)", "未加载（加载已停止）"),
        (r"not loaded \(the load was interrupted\)", "未加载（加载被中断）"),
        (r"no report found in the file", "文件中没有找到报告"),
        (r"database (.+) is locked by another process(?: \(pid (\d+)\))?; waited (\S+) s; nothing was written",
         lambda m: (f"数据库 {m.group(1)} 正被其他进程占用" + (f"（进程号 {m.group(2)}）" if m.group(2) else "")
                    + f"，已等待 {m.group(3)} 秒；未写入任何内容")),
        (r"the dashboard runs read-only \(GONGKAI_READ_ONLY\)", "仪表板以只读方式运行（GONGKAI_READ_ONLY），不能写入"),
        # pages/upload.py: an exception while writing (its type and text kept)
        (r"([A-Z]\w*(?:Error|Exception|Timeout|Interrupt)): (.*)", r"出错（\1: \2）"),
    ))

#: the places an InputError or a problem names (``page 3``, ``sheet X, row 5`` …); others stay
_PLACES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a, re.S), b) for a, b in (
        (r"page (\d+)", r"第 \1 页"),
        (r"row (\d+)", r"第 \1 行"),
        (r"line (\d+)", r"第 \1 行"),
        (r"column (\d+)", r"第 \1 列"),
        (r"column (.+)", r"\1 列"),
        (r"byte (\d+)", r"第 \1 字节"),
        (r"table (\d+)", r"第 \1 个表格"),
        (r"sheet (.+)", r"工作表 \1"),
        (r"zip directory", "ZIP 目录"),
        (r"zip part (.+)", r"ZIP 部件 \1"),
        (r"MIME structure", "MIME 结构"),
        (r"MIME parts", "MIME 部分"),
        (r"element nesting", "元素嵌套"),
        (r"PDF structure", "PDF 结构"),
        (r"page count", "页数"),
        (r"page tree", "页面树"),
    ))

#: ``sheet S, row R, column C`` as ``Problem.where`` and the loader's problem lines write it
_WHERE = r"(?:sheet .+?|row \d+|column [^,:]+?)(?:, (?:row \d+|column [^,:]+?))*"
_LINE = re.compile(rf"({_WHERE}): (.*?)(?: \[cell: (.*)\])?")  # one line: a cell is a repr
_PROBLEM_STR = re.compile(rf"(error|warning): ([^:\n]+?)((?:, (?:{_WHERE}))?): (.*?)(?: \[cell: (.*)\])?")
#: ``file (place): reason`` (an InputError; a display name never holds ":") or ``head: rest``
_PREFIXED = re.compile(r"([^:\n]+?)(?: \(([^()\n]*)\))?: (.*)", re.S)
_SEVERITY = {"error": "错误", "warning": "警告"}


def place_text(place: str) -> str:
    """A place as Chinese readers name it (``page 3`` → ``第 3 页``), technical names kept."""
    out = []
    for part in place.split(", "):
        for pat, rep in _PLACES:
            m = pat.fullmatch(part)
            if m:
                out.append(m.expand(rep))
                break
        else:
            out.append(part)
    return "，".join(out)


def _reason(text: str) -> str | None:
    for pat, rep in _REASONS:
        m = pat.fullmatch(text)
        if m:
            return rep(m) if callable(rep) else m.expand(rep)
    return None


def _cell(cell: str | None) -> str:
    return f"（单元格内容：{cell}）" if cell else ""


def _problem_line(text: str, rules: Mapping[str, str], findings: bool) -> str | None:
    """``where: message [cell: '…']`` (the loader's ``_problem_line``) or a bare message."""
    got = _reason(text)
    if got is not None:
        return got
    m = _LINE.fullmatch(text)
    if m:
        msg = _translate(m.group(2), rules, findings)
        if msg is not None:
            return f"{place_text(m.group(1))}：{msg}{_cell(m.group(3))}"
    m = re.fullmatch(r"(.*?) \[cell: (.*)\]", text)  # a problem without a place
    if m:
        msg = _translate(m.group(1), rules, findings)
        if msg is not None:
            return msg + _cell(m.group(2))
    return None


def _as_finding(text: str, rules: Mapping[str, str]) -> str | None:
    """A finding's message (a report's, or a spreadsheet's identity check) in Chinese."""
    if text in rules:
        return finding_message(rules[text], text, None, "zh")
    got = finding_message(None, text, None, "zh")
    # finding_message's fallback ends with the stored text in parentheses: not a known shape
    return None if got.endswith(f"：{text}）") else got


def _translate(text: str, rules: Mapping[str, str], findings: bool = True) -> str | None:
    """``text`` in Chinese when its shape is known, else None.

    ``findings``: whether ``text`` may be a whole finding message. Not for the rest of a
    message after its first ``head: ``: a finding holds colons of its own (``表三 column 总计:
    …``), and a piece of it translated alone would leave its head in English.
    """
    m = re.fullmatch(r"(\d+) problems, nothing was written:\n(.*)", text, re.S)
    if m:  # loader.spreadsheet_problems_text
        lines = [_translate(re.sub(r"^\s*- ", "", x), rules, findings) for x in m.group(2).split("\n")]
        if all(x is not None for x in lines):
            return f"有 {m.group(1)} 个问题，未写入任何内容：\n" + "\n".join(f"  - {x}" for x in lines)
        return None
    got = _problem_line(text, rules, findings)
    if got is not None:
        return got
    for pattern, zh in ((r"(.*); nothing was written", "{}；未写入任何内容"),
                        (r"skipped (.*)", "已跳过：{}")):
        m = re.fullmatch(pattern, text, re.S)
        if m:
            inner = _translate(m.group(1), rules, findings)
            if inner is not None:
                return zh.format(inner)
    m = re.fullmatch(r"… and (\d+) more", text)
    if m:
        return f"……另有 {m.group(1)} 条"
    m = _PROBLEM_STR.fullmatch(text)
    if m:  # str(Problem): "error: file, sheet S, row R: message [cell: '…']"
        msg = _translate(m.group(4), rules, findings)
        if msg is not None:
            where = m.group(2) + (f"，{place_text(m.group(3)[2:])}" if m.group(3) else "")
            return f"{_SEVERITY[m.group(1)]}：{where}：{msg}{_cell(m.group(5))}"
    if text in rules:
        return _as_finding(text, rules)
    m = _PREFIXED.fullmatch(text)
    if m:  # file (place): reason — and "agency year: finding" of the previews
        rest = _translate(m.group(3), rules, findings=False)
        if rest is None and findings:
            rest = _as_finding(m.group(3), rules)
        if rest is not None:
            place = f"（{place_text(m.group(2))}）" if m.group(2) else ""
            return f"{m.group(1)}{place}：{rest}"
    return _as_finding(text, rules) if findings else None


def input_message(text: str, lang: str | None, rules: Mapping[str, str] | None = None) -> str:
    """A message about an uploaded file in ``lang``: English as written; in Chinese translated
    where its shape is known, else a generic sentence with the original after it.

    ``rules`` maps the messages of findings (of the reports a preview extracted or the
    identity checks of a spreadsheet) to their rules, so each is explained by its own rule
    (see :func:`finding_rules`); without it a finding is recognised from its wording alone.
    """
    lg = i18n.norm_lang(lang)
    if lg == "en" or not text:
        return text
    got = _translate(text, rules or {})
    if got is not None:
        return got
    if not _LATIN_WORD.search(text):  # already Chinese (e.g. an exception raised in Chinese)
        return text
    return f"{i18n.t('in_unknown', lg)}（{i18n.t('fd_detail', lg)}：{text}）"


def finding_rules(reports: Iterable[object]) -> dict[str, str]:
    """Every finding's message → its rule, for the reports of a preview."""
    out: dict[str, str] = {}
    for r in reports:
        for fd in getattr(r, "findings", None) or ():
            if isinstance(fd.message, str) and fd.rule:
                out.setdefault(fd.message, fd.rule)
    return out
