"""Analysts' spreadsheets (xlsx, xls, csv) → reports with origin="uploaded" facts.

Three layouts are recognised per sheet, by their headers (never by the file name):

* **template** (``etl.sheets.template``): one row per agency and year, one column per metric with the
  header ``label_zh (metric_id)``; a header mentioning 万元/万美元/亿元 scales that column.
* **long**: columns agency, year, metric_id, breakdown, value (+ unit, note), English or Chinese
  headers (机关, 年度, 指标, 分项, 数值, 单位, 备注).
* **表三 grid**: the official request table as printed — rows labelled 一、本年新收…, columns
  自然人 / 商业企业 … / 总计; agency and year from cells above the grid, else the sheet or file name.

Cells are read with python-calamine (the engine pandas uses for ``read_excel``), directly, because
we need exact A1 coordinates for every problem and the merged ranges of the grid. calamine reads
the values Excel cached: formulas are never evaluated, and a formula without a cached value reads
as blank. Nothing here writes: :func:`etl.store.loader.load_spreadsheet` writes one transaction
per file — and only when validation found no errors, or when the analyst asked for the valid
rows only.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from etl.metrics import load_metrics
from etl.model import Finding, InputError, Report
from etl.sheets.validate import (
    Candidate,
    Problem,
    Validation,
    cell_text,
    col_letter,
    display_name,
    guard_file,
    parse_value,
    validate_candidates,
)

SheetKind = Literal["template", "long", "table3"]
METRIC_LIST_SHEET = "指标说明"
TEMPLATE_SHEET = "数据"

_METRIC_HEADER = re.compile(r"[(（]\s*([a-z_]+\.[a-z0-9_]+)\s*(?:\[([^\]]*)\])?\s*[)）]\s*$")
_SCALE_HINT = re.compile(r"(亿美元|万美元|亿元|万元)")

LONG_HEADERS: dict[str, tuple[str, ...]] = {
    "agency": ("agency", "机关", "机关名称", "填报机关", "agency_name"),
    "year": ("year", "年度", "年份", "年"),
    "metric": ("metric_id", "metric", "指标", "指标代码", "指标id"),
    "breakdown": ("breakdown", "分项", "细分"),
    "value": ("value", "数值", "值", "数量"),
    "unit": ("unit", "单位", "计量单位"),
    "note": ("note", "备注", "说明"),
}


@dataclass
class SheetParse:
    """What a spreadsheet would give: reports, every problem, and row bookkeeping."""

    file: str
    reports: list[Report] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheets: dict[str, str] = field(default_factory=dict)  # sheet → layout or "ignored"
    rows_total: int = 0
    rows_bad: int = 0
    new_agencies: dict[str, list[str]] = field(default_factory=dict)
    sha256: str = ""
    size: int = 0
    format: str = ""
    only_valid_rows: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def fact_count(self) -> int:
        return sum(len(r.facts) for r in self.reports)


@dataclass
class SheetLoad:
    """Outcome of :func:`etl.store.loader.load_spreadsheet`. ``status``: loaded | unchanged | refused."""

    file: str
    sha256: str
    status: str
    message: str
    report_ids: list[int] = field(default_factory=list)
    facts: int = 0
    problems: list[Problem] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Reading cells
# ---------------------------------------------------------------------------------------------


def _read_xlsx(path: Path, name: str) -> list[tuple[str, list[list[Any]], list]]:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        out = []
        for sheet_name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(sheet_name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = getattr(sheet, "merged_cell_ranges", None) or []
            out.append((sheet_name, rows, merged))
        return out
    except InputError:
        raise
    except Exception as exc:  # calamine raises its own types for corrupt parts
        raise InputError(name, f"corrupt or unreadable spreadsheet ({type(exc).__name__}: {exc})") from None


def decode_csv(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) first, then GBK (as GB18030, its superset); UTF-16 when it
    starts with its BOM (Excel's "Unicode text" export)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(name, "CSV starts as UTF-16 but is not valid UTF-16 text",
                             f"byte {exc.start}") from None
    first_bad = 0
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            first_bad = first_bad or exc.start
            continue
    raise InputError(name, "CSV is neither UTF-8 nor GBK text; save it as UTF-8 CSV",
                     f"byte {first_bad}")


def _read_csv(path: Path, name: str) -> list[tuple[str, list[list[Any]], list]]:
    text = decode_csv(path.read_bytes(), name)
    sample = "\n".join(text.splitlines()[:10])
    delim = max((";", ",", "\t"), key=lambda d: sample.count(d))
    if sample.count(delim) == 0:
        delim = ","
    from etl.sheets.validate import MAX_SHEET_COLUMNS, MAX_SHEET_ROWS

    rows: list[list[Any]] = []
    try:
        for r in csv.reader(io.StringIO(text), delimiter=delim):
            if len(r) > MAX_SHEET_COLUMNS:
                raise InputError(name, f"refused: row {len(rows) + 1} has {len(r):,} columns "
                                       f"(limit {MAX_SHEET_COLUMNS:,})")
            rows.append(r)
            if len(rows) > MAX_SHEET_ROWS:
                raise InputError(name, f"refused: more than {MAX_SHEET_ROWS:,} rows")
    except csv.Error as exc:
        raise InputError(name, f"malformed CSV ({exc})") from None
    return [(Path(name).stem or "csv", rows, [])]


# ---------------------------------------------------------------------------------------------
# Layout detection and the three parsers
# ---------------------------------------------------------------------------------------------


def _norm(v: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(v))).lower()


def _header_row(rows: list[list[Any]], limit: int = 20) -> int | None:
    for i, row in enumerate(rows[:limit]):
        if sum(1 for v in row if cell_text(v)) >= 2:
            return i
    return None


def _long_columns(header: list[Any]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for j, v in enumerate(header):
        h = _norm(v)
        h = re.sub(r"[(（].*?[)）]", "", h) or h
        for key, names in LONG_HEADERS.items():
            if key not in cols and h in names:
                cols[key] = j
                break
    return cols


def _template_columns(header: list[Any]) -> tuple[int | None, int | None, dict[int, tuple[str, str, str]]]:
    agency = year = None
    metrics: dict[int, tuple[str, str, str]] = {}
    for j, v in enumerate(header):
        text = cell_text(v)
        m = _METRIC_HEADER.search(unicodedata.normalize("NFKC", text))
        if m:
            scale = _SCALE_HINT.search(text)
            metrics[j] = (m.group(1), m.group(2) or "", scale.group(1) if scale else "")
            continue
        h = _norm(text)
        if agency is None and (h.endswith("(agency)") or h in LONG_HEADERS["agency"]):
            agency = j
        elif year is None and (h.endswith("(year)") or h in LONG_HEADERS["year"]):
            year = j
    return agency, year, metrics


def _header_seen(rows: list[list[Any]], h: int | None) -> str:
    """``: row N has A, B, C; missing …`` — what an unrecognised sheet's header row holds and
    which long-format columns it lacks, so the analyst sees why it was not taken."""
    if h is None:
        return ": no header row with two or more filled cells in the first 20 rows"
    heads = [cell_text(v) for v in rows[h] if cell_text(v)]
    shown = ", ".join(heads[:8]) + (", …" if len(heads) > 8 else "")
    missing = [k for k in ("agency", "year", "metric", "value") if k not in _long_columns(rows[h])]
    names = {"agency": "agency/机关", "year": "year/年度", "metric": "metric_id/指标",
             "value": "value/数值"}
    lack = f"; missing columns {', '.join(names[k] for k in missing)}" if missing else ""
    return f": row {h + 1} has {shown}{lack}"


def detect_layout(rows: list[list[Any]]) -> tuple[SheetKind | None, int | None]:
    """(layout, header row index) of a sheet, or (None, None) when it is none of ours."""
    top = rows[:40]
    flat = [_norm(v) for row in top for v in row[:40]]
    if any("商业企业" in v for v in flat) and any(("予以公开" in v or "本年新收" in v) for v in flat):
        return "table3", None
    h = _header_row(rows)
    if h is None:
        return None, None
    agency, year, metrics = _template_columns(rows[h])
    if metrics and agency is not None and year is not None:
        return "template", h
    cols = _long_columns(rows[h])
    if {"agency", "year", "metric", "value"} <= cols.keys():
        return "long", h
    return None, h


def _cell(row: list[Any], j: int | None) -> Any:
    if j is None or j >= len(row):
        return None
    return row[j]


def _parse_template(sheet: str, rows: list[list[Any]], h: int, file: str,
                    problems: list[Problem]) -> tuple[list[Candidate], int]:
    agency_j, year_j, metrics = _template_columns(rows[h])
    known = load_metrics()
    header = rows[h]
    for j, (mid, _b, _s) in metrics.items():
        if mid not in known:
            problems.append(Problem(file, f"unknown metric {mid!r} in the header; this column is not loaded",
                                    "error", sheet, h + 1, col_letter(j), cell_text(header[j])))
    cands: list[Candidate] = []
    n = 0
    for i in range(h + 1, len(rows)):
        row = rows[i]
        if not any(cell_text(v) for v in row):
            continue
        n += 1
        agency, year = _cell(row, agency_j), _cell(row, year_j)
        for j, (mid, breakdown, scale) in metrics.items():
            if mid not in known:
                continue
            v = _cell(row, j)
            if parse_value(v)[0] == "blank":
                continue
            cands.append(Candidate(
                sheet=sheet, row=i + 1, column=col_letter(j), agency=cell_text(agency), year=year,
                metric=mid, breakdown=breakdown, value=v, unit=scale, unit_from="header",
                row_label=f"{cell_text(agency)} {cell_text(year)}", col_label=cell_text(header[j]),
                agency_cell=col_letter(agency_j or 0), year_cell=col_letter(year_j or 0),
                metric_cell=col_letter(j),
            ))
    return cands, n


def _parse_long(sheet: str, rows: list[list[Any]], h: int) -> tuple[list[Candidate], int]:
    cols = _long_columns(rows[h])
    L = {k: col_letter(j) for k, j in cols.items()}
    cands: list[Candidate] = []
    n = 0
    header_unit = ""
    hv = cell_text(rows[h][cols["value"]])
    m = _SCALE_HINT.search(hv)
    if m:
        header_unit = m.group(1)
    for i in range(h + 1, len(rows)):
        row = rows[i]
        if not any(cell_text(v) for v in row):
            continue
        n += 1
        unit = cell_text(_cell(row, cols.get("unit")))
        unit_from = "unit column"
        if not unit and header_unit:
            unit, unit_from = header_unit, "header"
        cands.append(Candidate(
            sheet=sheet, row=i + 1, column=L["value"], agency=cell_text(_cell(row, cols["agency"])),
            year=_cell(row, cols["year"]), metric=cell_text(_cell(row, cols["metric"])),
            breakdown=cell_text(_cell(row, cols.get("breakdown"))), value=_cell(row, cols["value"]),
            unit=unit, unit_from=unit_from, note=cell_text(_cell(row, cols.get("note"))) or None,
            agency_cell=L["agency"], year_cell=L["year"], metric_cell=L["metric"],
            row_label=cell_text(_cell(row, cols["metric"])),
            col_label=cell_text(_cell(row, cols.get("breakdown"))) or None,
        ))
    return cands, n


# --- 表三 grid --------------------------------------------------------------------------------

_APPLICANT_HEADERS = (
    ("自然人", "natural_person"), ("商业企业", "commercial"), ("科研机构", "research"),
    ("社会公益组织", "public_welfare"), ("法律服务机构", "legal_services"),
)

# (substring of the row label, metric) — most specific first
_GRID_ROWS: tuple[tuple[str, str], ...] = (
    ("结转下年度", "requests.carried_over_out"),
    ("本年新收", "requests.received"),
    ("上年结转", "requests.carried_over_in"),
    ("予以公开", "requests.granted"),
    ("部分公开", "requests.partially_granted"),
    ("国家秘密", "requests.denied_state_secret"),
    ("禁止公开", "requests.denied_prohibited_by_law"),
    ("三安全一稳定", "requests.denied_security_stability"),
    ("第三方", "requests.denied_third_party"),
    ("内部事务", "requests.denied_internal_affairs"),
    ("过程性", "requests.denied_process_info"),
    ("执法案卷", "requests.denied_enforcement_files"),
    ("行政查询", "requests.denied_query_matters"),
    ("不掌握", "requests.unable_not_held"),
    ("另行制作", "requests.unable_needs_creation"),
    ("仍不明确", "requests.unable_unclear"),
    ("信访", "requests.rejected_petition"),
    ("重复申请", "requests.rejected_repeat"),
    ("出版物", "requests.rejected_publication"),
    ("大量反复", "requests.rejected_excessive"),
    ("重新出具", "requests.rejected_confirm"),
    ("不补正", "requests.other_no_correction"),
    ("缴纳费用", "requests.other_fee_unpaid"),
    ("总计", "requests.processed_total"),
)


def grid_metric(label: str, section: str) -> str | None:
    """The 表三 metric of a row from its most specific label and the enclosing section."""
    lab = _norm(label)
    if not lab:
        return None
    if re.search(r"(^|[0-9.．、])其他$", lab) and ("其他处理" in section or "其他处理" in lab):
        return "requests.other_other"
    for needle, metric in _GRID_ROWS:
        if needle in lab:
            return metric
    if "其他处理" in lab:
        return "requests.other_handling"
    if "不予公开" in lab and "小计" in lab:
        return "requests.denied"
    return None


def _shared_t3_match(labels: list[str], context: str | None) -> tuple[str | None, str | None]:
    """(metric, section) from the report extractor's tolerant 表三 vocabulary
    (``etl.extract.formlabels.match_t3_label``: typos, traditional characters, garbled numbering), so
    a grid typed into Excel is read like the same grid printed in a report. (None, None) when
    that module is absent or does not recognise the row; :func:`grid_metric` is the fallback."""
    try:
        from etl.extract.formlabels import match_t3_label
    except ImportError:
        return None, None
    try:
        m = match_t3_label("".join(dict.fromkeys(labels)), context)
    except Exception:  # a vocabulary bug must not block an upload: fall back
        return None, None
    if m.kind in ("row", "heading"):
        return m.metric, m.section
    return None, None


_UNIT_WORDS = {"件", "个", "条", "次", "元", "万元", "亿元", "美元", "万美元", "人", "%"}
_AGENCY_CELL = re.compile(r"(?:填报单位|填报机关|机关名称|单位名称|机关|单位)\s*[:：]\s*(\S.*)$")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_NAME_JUNK = re.compile(r"(政府信息公开工作年度报告|政府信息公开|年度报告|工作报告|收到和处理|申请情况|表三|表3|sheet\d*|年度|年)",
                        re.IGNORECASE)


def _name_guess(text: str) -> tuple[str, int | None]:
    t = unicodedata.normalize("NFKC", Path(text).stem if "." in text else text)
    y = re.search(r"((?:19|20)\d{2})", t)
    rest = re.sub(r"(19|20)\d{2}", "", t)
    rest = _NAME_JUNK.sub("", rest)
    rest = re.sub(r"[\s_\-—()（）\[\]【】·.]+", "", rest)
    return rest, int(y.group(1)) if y else None


def fill_merged(rows: list[list[Any]], merged: list) -> list[list[Any]]:
    """Copy each merged range's value (kept by Excel only in its top-left cell) into every cell
    of the range, so a row whose agency or section label is merged with the row above still
    carries it. Returns a new grid; ranges outside the sheet are ignored."""
    if not merged:
        return rows
    grid = [list(r) for r in rows]
    for rng in merged:
        try:
            (r0, c0), (r1, c1) = rng
        except (TypeError, ValueError):
            continue
        if r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        v = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, len(grid[r]) - 1) + 1):
                if not cell_text(grid[r][c]):
                    grid[r][c] = v
    return grid


def _parse_grid(sheet: str, rows: list[list[Any]], file: str,
                problems: list[Problem]) -> tuple[list[Candidate], int]:
    grid = rows
    # header: the row holding 商业企业
    hr = next(i for i, row in enumerate(grid[:40]) if any("商业企业" in _norm(v) for v in row))
    cols: dict[str, int] = {}
    for i in range(0, min(hr + 2, len(grid))):
        for j, v in enumerate(grid[i]):
            t = _norm(v)
            for label, key in _APPLICANT_HEADERS:
                if t == label and key not in cols:
                    cols[key] = j
    for i in range(0, min(hr + 2, len(grid))):
        for j, v in enumerate(grid[i]):
            t = _norm(v)
            if t in ("其他", "其他组织") and "other_org" not in cols and j > cols.get("commercial", 10**6):
                cols["other_org"] = j
    first_num = min(cols.values()) if cols else 1
    for i in range(0, min(hr + 2, len(grid))):
        for j, v in enumerate(grid[i]):
            if _norm(v) in ("总计", "合计") and j > max(cols.values(), default=0):
                cols[""] = j
    data_start = hr + 1
    while data_start < len(grid) and not any(
        cell_text(v) and parse_value(v)[0] != "number" for v in grid[data_start][:first_num]
    ):
        data_start += 1
    # agency / year above the grid, else sheet name, else file name
    agency, year, agency_cell, year_cell = "", None, None, None
    top_rows = min(hr, len(grid))
    for i in range(top_rows):
        for j, v in enumerate(grid[i]):
            t = unicodedata.normalize("NFKC", cell_text(v))
            if not t:
                continue
            m = _AGENCY_CELL.search(t)
            if m and (len(m.group(1).strip()) < 2 or m.group(1).strip() in _UNIT_WORDS):
                m = None  # "单位：件" states the unit, not the agency
            if m and not agency:
                agency, agency_cell = m.group(1).strip(), f"{col_letter(j)}{i + 1}"
            ym = _YEAR.search(t)
            if ym and year is None:
                year, year_cell = int(ym.group(1)), f"{col_letter(j)}{i + 1}"
                if not agency and not m:
                    guess = t[: ym.start()].strip(" ：:")
                    if len(guess) >= 2:
                        agency, agency_cell = guess, f"{col_letter(j)}{i + 1}"
    for text in (sheet, file):
        g_agency, g_year = _name_guess(text)
        if year is None and g_year:
            year, year_cell = g_year, f"name {text!r}"
        if not agency and len(g_agency) >= 2:
            agency, agency_cell = g_agency, f"name {text!r}"
    label_of = {key: label for label, key in _APPLICANT_HEADERS} | {"other_org": "其他", "": "总计"}
    cands: list[Candidate] = []
    section = major = ""
    t3_context: str | None = None
    n = 0
    seen_metrics: set[str] = set()
    for i in range(data_start, len(grid)):
        row = grid[i]
        labels = [cell_text(v) for v in row[:first_num] if cell_text(v) and parse_value(v)[0] != "number"]
        values = {k: _cell(row, j) for k, j in cols.items()}
        has_numbers = any(parse_value(v)[0] != "blank" for v in values.values())
        if not labels and not has_numbers:
            continue
        for lab in labels:  # merged cells repeat the major heading on every row it spans
            if re.match(r"^[一二三四五]、", lab):
                if lab != major:
                    major, section = lab, ""
            elif re.match(r"^[（(][一二三四五六七八九][)）]", lab):
                section = lab
        label = labels[-1] if labels else ""
        shared_metric, shared_section = _shared_t3_match(labels, t3_context)
        t3_context = shared_section or t3_context
        if not has_numbers:
            continue
        n += 1
        metric = shared_metric or grid_metric(label, section)
        if metric is None:
            problems.append(Problem(file, "row label not recognised as a 表三 row; row ignored", "warning",
                                    sheet, i + 1, col_letter(0), label))
            continue
        seen_metrics.add(metric)
        for key, v in values.items():
            j = cols[key]
            cands.append(Candidate(
                sheet=sheet, row=i + 1, column=col_letter(j), agency=agency, year=year,
                metric=metric, breakdown=key, value=v, row_label=" ".join(dict.fromkeys(labels)),
                col_label=label_of.get(key, key), table="表三",
                agency_cell=agency_cell, year_cell=year_cell, metric_cell=col_letter(0),
            ))
    if not cols:
        problems.append(Problem(file, "表三 header not recognised: the applicant columns (自然人, 商业企业 … 总计) "
                                      "were not found", "error", sheet, hr + 1, None, None))
    elif n and not seen_metrics:
        problems.append(Problem(file, "no 表三 row recognised (一、本年新收… to 四、结转下年度继续办理)", "error", sheet))
    if not agency:
        problems.append(Problem(file, "agency not found: put 填报单位：<name> above the table or name the sheet "
                                      "after the agency", "error", sheet, None, None, None))
    if year is None:
        problems.append(Problem(file, "year not found: put 2023年 above the table or in the sheet name",
                                "error", sheet, None, None, None))
    return cands, n


# ---------------------------------------------------------------------------------------------
# Parse → reports
# ---------------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple] = set()
    out = []
    for p in problems:
        k = (p.severity, p.sheet, p.row, p.column, p.message)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def _identity_findings(report: Report) -> list[Finding]:
    try:
        from etl.extract.checks import check_report  # type: ignore[import-not-found]
    except ImportError:
        return []
    try:
        return list(check_report(report))
    except Exception as exc:  # a checker bug must not block an upload
        return [Finding("check_failed", "warning", f"identity checks could not run: {exc}")]


def parse_spreadsheet(path: Path, con: Any = None, *, name: str | None = None,
                      only_valid_rows: bool = False) -> SheetParse:
    """Read, recognise and validate a spreadsheet; build the reports it would load.

    ``name`` is the file name to show (an upload's own name; never used as a path). The
    reports hold only rows without errors; the caller must refuse to write when ``errors`` is
    non-empty unless the analyst chose to load only the valid rows.
    Raises :class:`InputError` for files that cannot be read at all.
    """
    path = Path(path)
    file = display_name(name or path.name)
    kind = guard_file(path, file)
    if kind == "report":
        raise InputError(file, "not a spreadsheet (use the report loader for this file)")
    result = SheetParse(file=file, sha256=sha256_file(path), size=path.stat().st_size, format=kind,
                        only_valid_rows=only_valid_rows)
    sheets = _read_csv(path, file) if kind == "csv" else _read_xlsx(path, file)
    cands: list[Candidate] = []
    problems: list[Problem] = []
    unrecognised: list[str] = []  # what the sheets we could not place look like, for the message
    for sheet, rows, merged in sheets:
        if sheet.startswith(METRIC_LIST_SHEET) or not rows:
            result.sheets[sheet] = "ignored"
            continue
        rows = fill_merged(rows, merged)
        layout, h = detect_layout(rows)
        if layout is None:
            result.sheets[sheet] = "ignored"
            if any(cell_text(v) for row in rows[:50] for v in row):
                seen = _header_seen(rows, h)
                problems.append(Problem(file, "sheet not recognised (not the template, long format or 表三); "
                                              f"ignored{seen}", "warning", sheet,
                                        row=None if h is None else h + 1))
                unrecognised.append(f"sheet {sheet}{seen}")
            continue
        result.sheets[sheet] = layout
        if layout == "template":
            c, n = _parse_template(sheet, rows, h or 0, file, problems)
        elif layout == "long":
            c, n = _parse_long(sheet, rows, h or 0)
        else:
            c, n = _parse_grid(sheet, rows, file, problems)
        cands += c
        result.rows_total += n
    if not any(v != "ignored" for v in result.sheets.values()):
        problems.append(Problem(file, "no sheet in the layout of the template, the long format (agency, year, "
                                      "metric_id, breakdown, value) or the 表三 grid"
                                      + (f" ({'; '.join(unrecognised[:5])})" if unrecognised else "")))
    val: Validation = validate_candidates(cands, file, con)
    problems += val.problems
    result.new_agencies = val.new_agencies
    bad_rows = val.bad_rows | {(p.sheet, p.row) for p in problems if p.severity == "error" and p.row}
    result.rows_bad = len({k for k in bad_rows if k[1] is not None})
    sheet_kind = result.sheets
    groups: dict[tuple[str, int], Report] = {}
    for vf in val.facts:
        if vf.row_key in bad_rows:  # never half a row; errors block the file unless valid-rows-only
            continue
        key = (vf.agency, vf.year)
        rep = groups.get(key)
        if rep is None:
            form = None
            if sheet_kind.get(vf.row_key[0]) == "table3":
                form = "table3"
            rep = Report(source=file, position=len(groups) + 1, title=f"{vf.agency} {vf.year}年 · {file}",
                         agency=vf.agency, printed_agency=vf.printed_agency, year=vf.year,
                         kind="disclosure_report", form=form)
            groups[key] = rep
        rep.facts.append(vf.fact)
    for rep in groups.values():
        if rep.form == "table3":
            rep.form = "2021" if any(f.metric.startswith("requests.other_") and f.metric != "requests.other_handling"
                                     for f in rep.facts) else "2019"
        found = _identity_findings(rep)
        rep.findings += found
        for fd in found:
            problems.append(Problem(file, f"{rep.agency} {rep.year}: {fd.message}", "warning"))
    result.reports = list(groups.values())
    result.problems = _dedupe(problems)
    return result
