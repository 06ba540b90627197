"""Spreadsheet uploads: the template, the long format (csv/xlsx, zh/en headers, encodings),
the 表三 grid with merged cells, formulas, and all-or-nothing loading."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from etl.store import database as store
from etl.metrics import APPLICANT_KEYS, load_metrics
from etl.store.loader import load_spreadsheet
from etl.sheets.parse import parse_spreadsheet
from etl.sheets.preview import preview_upload
from etl.sheets.template import build_template, template_headers

# ------------------------------------------------------------------ builders (used by other tests)

GRID_ROWS_2021: list[tuple[str, str, str, str]] = [
    # (col A, col B, col C, metric)
    ("一、本年新收政府信息公开申请数量", "", "", "requests.received"),
    ("二、上年结转政府信息公开申请数量", "", "", "requests.carried_over_in"),
    ("三、本年度办理结果", "（一）予以公开", "", "requests.granted"),
    ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", "requests.partially_granted"),
    ("", "（三）不予公开", "1.属于国家秘密", "requests.denied_state_secret"),
    ("", "", "2.其他法律行政法规禁止公开", "requests.denied_prohibited_by_law"),
    ("", "", "3.危及“三安全一稳定”", "requests.denied_security_stability"),
    ("", "", "4.保护第三方合法权益", "requests.denied_third_party"),
    ("", "", "5.属于三类内部事务信息", "requests.denied_internal_affairs"),
    ("", "", "6.属于四类过程性信息", "requests.denied_process_info"),
    ("", "", "7.属于行政执法案卷", "requests.denied_enforcement_files"),
    ("", "", "8.属于行政查询事项", "requests.denied_query_matters"),
    ("", "（四）无法提供", "1.本机关不掌握相关政府信息", "requests.unable_not_held"),
    ("", "", "2.没有现成信息需要另行制作", "requests.unable_needs_creation"),
    ("", "", "3.补正后申请内容仍不明确", "requests.unable_unclear"),
    ("", "（五）不予处理", "1.信访举报投诉类申请", "requests.rejected_petition"),
    ("", "", "2.重复申请", "requests.rejected_repeat"),
    ("", "", "3.要求提供公开出版物", "requests.rejected_publication"),
    ("", "", "4.无正当理由大量反复申请", "requests.rejected_excessive"),
    ("", "", "5.要求行政机关确认或重新出具已获取信息", "requests.rejected_confirm"),
    ("", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
     "requests.other_no_correction"),
    ("", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
     "requests.other_fee_unpaid"),
    ("", "", "3.其他", "requests.other_other"),
    ("", "（七）总计", "", "requests.processed_total"),
    ("四、结转下年度继续办理", "", "", "requests.carried_over_out"),
]
GRID_COLS = ("natural_person", "commercial", "research", "public_welfare", "legal_services",
             "other_org", "")


def grid_values(form: str = "2021") -> dict[tuple[str, str], int]:
    """Consistent numbers: granted a, partially 1, not held 1, other rows 0 per column."""
    out: dict[tuple[str, str], int] = {}
    rows = [r[3] for r in GRID_ROWS_2021]
    if form == "2019":
        rows = [m for m in rows if not m.startswith("requests.other_")] + ["requests.other_handling"]
    for j, col in enumerate(GRID_COLS[:-1]):
        received = 3 + j
        for m in rows:
            out[(m, col)] = 0
        out[("requests.received", col)] = received
        out[("requests.granted", col)] = received - 2
        out[("requests.partially_granted", col)] = 1
        out[("requests.unable_not_held", col)] = 1
        out[("requests.processed_total", col)] = received
    for m in rows:
        out[(m, "")] = sum(out[(m, c)] for c in GRID_COLS[:-1])
    return out


def build_grid_xlsx(path: Path, *, agency: str | None = "甲市商务局", year: int | None = 2023,
                    sheet: str = "表三", form: str = "2021") -> dict[tuple[str, str], int]:
    """The official 表三 as a sheet, with merged label and header cells like the printed form."""
    values = grid_values(form)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if agency:
        ws["A1"] = f"填报单位：{agency}"
    if year:
        ws["D1"] = f"{year}年度"
    ws["I2"] = "单位：件"  # the unit line printed above the form is not an agency
    ws["A3"] = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    ws.merge_cells("A3:C5")
    ws["D3"] = "申请人情况"
    ws.merge_cells("D3:J3")
    ws["D4"] = "自然人"
    ws.merge_cells("D4:D5")
    ws["E4"] = "法人或其他组织"
    ws.merge_cells("E4:I4")
    ws["J4"] = "总计"
    ws.merge_cells("J4:J5")
    for c, label in zip("EFGHI", ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")):
        ws[f"{c}5"] = label
    rows = list(GRID_ROWS_2021)
    if form == "2019":
        rows = [r for r in rows if not r[3].startswith("requests.other_")]
        idx = next(i for i, r in enumerate(rows) if r[3] == "requests.processed_total")
        rows.insert(idx, ("", "（六）其他处理", "", "requests.other_handling"))
    r = 6
    section_start: dict[str, int] = {}
    for a, b, c, metric in rows:
        if a:
            ws[f"A{r}"] = a
        if b:
            ws[f"B{r}"] = b
            section_start[b] = r
        if c:
            ws[f"C{r}"] = c
        if a and not b and not c:
            ws.merge_cells(f"A{r}:C{r}")
        elif b and not c:
            ws.merge_cells(f"B{r}:C{r}")
        for j, col in enumerate(GRID_COLS):
            ws.cell(row=r, column=4 + j, value=values[(metric, col)])
        r += 1
    ws.merge_cells("A8:A29" if form == "2021" else f"A8:A{r - 2}")
    wb.save(path)
    return values


def fill_template(rows: list[dict[str, object]], headers_override: dict[str, str] | None = None) -> bytes:
    """The real template with ``rows`` ({"agency", "year", metric_id: value}) filled in."""
    wb = openpyxl.load_workbook(io.BytesIO(build_template(example=False)))
    ws = wb["数据"]
    headers = [c.value for c in ws[1]]
    col = {re.search(r"\(([^)]+)\)$", h).group(1): i for i, h in enumerate(headers)}
    for mid, new_header in (headers_override or {}).items():
        ws.cell(row=1, column=col[mid] + 1, value=new_header)
    for n, row in enumerate(rows, start=2):
        for key, v in row.items():
            ws.cell(row=n, column=col[key] + 1, value=v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export(con) -> list:
    """Every table's rows, sorted: equal before/after ⇔ the database is unchanged."""
    out = []
    for table in ("sources", "reports", "facts", "findings", "agencies", "agency_aliases", "corrections"):
        rows = con.execute(f"SELECT * FROM {table}").fetchall()
        out.append((table, sorted(rows, key=repr)))
    return out


@pytest.fixture
def con(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(tmp_path / "archive"))
    c = store.connect(tmp_path / "t.duckdb")
    yield c
    c.close()


def _facts(parsed) -> dict[tuple[str, int, str, str], float | None]:
    return {(r.agency, r.year, f.metric, f.breakdown): f.value for r in parsed.reports for f in r.facts}


# ------------------------------------------------------------------ template


def test_template_has_headers_metric_sheet_and_validation():
    wb = openpyxl.load_workbook(io.BytesIO(build_template()))
    assert wb.sheetnames == ["数据", "指标说明"]
    ws = wb["数据"]
    headers = [c.value for c in ws[1]]
    assert headers == template_headers()
    assert headers[0] == "机关 (agency)" and headers[1] == "年度 (year)"
    assert "本年新收政府信息公开申请数量 (requests.received)" in headers
    assert len(headers) == 2 + len(load_metrics())
    listing = {row[0]: row for row in wb["指标说明"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert listing["operations.spending_cny"][3] == "元"
    assert listing["requests.received"][3] == "件"
    dvs = ws.data_validations.dataValidation
    nonneg = [dv for dv in dvs if dv.type == "decimal" and dv.operator == "greaterThanOrEqual"]
    anyval = [dv for dv in dvs if dv.type == "decimal" and dv.operator == "between"]
    assert nonneg and anyval
    change_col = headers.index("行政许可 本年增/减 (disclosure.licensing_items_change)")
    letter = openpyxl.utils.get_column_letter(change_col + 1)
    assert any(letter in str(dv.sqref) for dv in anyval)
    assert not any(re.search(rf"\b{letter}2", str(dv.sqref)) for dv in nonneg)


def test_template_roundtrip(tmp_path):
    data = fill_template([
        {"agency": "甲市商务局", "year": 2023, "requests.received": 12, "disclosure.items": 300,
         "investment.fdi_actual_yoy_pct": -3.5},
        {"agency": "乙市商务局", "year": "2022年", "requests.received": "7", "disclosure.items": "/"},
    ])
    p = tmp_path / "filled.xlsx"
    p.write_bytes(data)
    parsed = parse_spreadsheet(p)
    assert parsed.sheets == {"数据": "template", "指标说明": "ignored"}
    assert parsed.rows_total == 2
    assert not parsed.errors, parsed.problems
    facts = _facts(parsed)
    assert facts[("甲市商务局", 2023, "requests.received", "")] == 12
    assert facts[("甲市商务局", 2023, "investment.fdi_actual_yoy_pct", "")] == -3.5
    assert facts[("乙市商务局", 2022, "requests.received", "")] == 7
    assert facts[("乙市商务局", 2022, "disclosure.items", "")] is None  # "/" recorded, not a number
    rep = parsed.reports[0]
    f = rep.fact("requests.received")
    assert f.origin == "uploaded"
    assert re.fullmatch(r"数据![A-Z]+2", f.evidence.table)
    assert f.evidence.raw_text == "12"


def test_template_header_in_wan_yuan_is_converted(tmp_path):
    p = tmp_path / "wan.xlsx"
    p.write_bytes(fill_template(
        [{"agency": "甲市商务局", "year": 2023, "operations.spending_cny": 2.5}],
        {"operations.spending_cny": "政府信息公开事务支出（万元） (operations.spending_cny)"},
    ))
    parsed = parse_spreadsheet(p)
    assert _facts(parsed)[("甲市商务局", 2023, "operations.spending_cny", "")] == 25000
    assert any("converted to 25,000 yuan" in w.message and "header" in w.message for w in parsed.warnings)


# ------------------------------------------------------------------ long format


LONG_EN = (
    "agency,year,metric_id,breakdown,value,unit,note\n"
    "甲市商务局,2023,requests.received,,10,,\n"
    "甲市商务局,2023,requests.received,natural_person,7,,\n"
    "甲市商务局,2023,requests.received,commercial,3,,\n"
    "甲市商务局,2023,operations.spending_cny,,1.5,万元,预算口径\n"
    "甲市商务局,2023,disclosure.items,机构设置类,12,,\n"
)


@pytest.mark.parametrize("encoding,sep", [("utf-8", ","), ("utf-8-sig", ","), ("gbk", ";"), ("utf-8", ";")])
def test_long_csv_encodings_and_separators(tmp_path, encoding, sep):
    text = LONG_EN.replace(",", sep)
    p = tmp_path / "long.csv"
    p.write_bytes(text.encode(encoding))
    parsed = parse_spreadsheet(p)
    assert not parsed.errors, parsed.problems
    facts = _facts(parsed)
    assert facts[("甲市商务局", 2023, "requests.received", "natural_person")] == 7
    assert facts[("甲市商务局", 2023, "operations.spending_cny", "")] == 15000
    assert facts[("甲市商务局", 2023, "disclosure.items", "机构设置")] == 12
    note = parsed.reports[0].fact("operations.spending_cny").note
    assert note == "预算口径"


def test_long_chinese_headers_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "长表"
    ws.append(["机关", "年度", "指标", "分项", "数值", "单位", "备注"])
    ws.append(["甲市商务局", 2023, "requests.granted", "自然人", 4, "件", None])
    ws.append(["甲市商务局", 2023, "requests.granted", "总计", 5, None, None])
    ws.append(["丙市商务局", "2021", "investment.fdi_actual_usd", "", 120, "万美元", None])
    p = tmp_path / "long.xlsx"
    wb.save(p)
    parsed = parse_spreadsheet(p)
    assert parsed.sheets == {"长表": "long"}
    assert not parsed.errors, parsed.problems
    facts = _facts(parsed)
    assert facts[("甲市商务局", 2023, "requests.granted", "natural_person")] == 4
    assert facts[("甲市商务局", 2023, "requests.granted", "")] == 5
    assert facts[("丙市商务局", 2021, "investment.fdi_actual_usd", "")] == 1_200_000
    ev = parsed.reports[0].fact("requests.granted", "natural_person").evidence
    assert ev.table == "长表!E2"


def test_merged_agency_cells_apply_to_every_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["机关", "年度", "指标", "分项", "数值"])
    ws.append(["甲市商务局", 2023, "requests.received", "", 5])
    ws.append([None, None, "requests.granted", "", 4])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    p = tmp_path / "merged.xlsx"
    wb.save(p)
    parsed = parse_spreadsheet(p)
    assert not parsed.errors, parsed.problems
    assert _facts(parsed)[("甲市商务局", 2023, "requests.granted", "")] == 4


def _with_formula(src: Path, dst: Path, cell: str, formula: str, cached: str | None) -> None:
    """Rewrite one cell of sheet1 as a formula with (or without) a cached value."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                pat = re.compile(rf'<c r="{cell}"[^>]*>.*?</c>')
                v = f"<v>{cached}</v>" if cached is not None else ""
                xml, n = pat.subn(f'<c r="{cell}"><f>{formula}</f>{v}</c>', xml)
                assert n == 1
                data = xml.encode()
            zout.writestr(item, data)


def test_formulas_use_cached_values_and_are_never_evaluated(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["agency", "year", "metric_id", "breakdown", "value"])
    ws.append(["甲市商务局", 2023, "requests.received", "", 1])
    ws.append(["甲市商务局", 2023, "requests.granted", "", 1])
    src = tmp_path / "src.xlsx"
    wb.save(src)
    mid = tmp_path / "mid.xlsx"
    _with_formula(src, mid, "E2", "40+2", "42")  # cached value is what Excel showed
    dst = tmp_path / "formula.xlsx"
    _with_formula(mid, dst, "E3", "WEBSERVICE(&quot;http://x&quot;)", None)  # no cached value
    parsed = parse_spreadsheet(dst)
    facts = _facts(parsed)
    assert facts[("甲市商务局", 2023, "requests.received", "")] == 42
    assert ("甲市商务局", 2023, "requests.granted", "") not in facts  # blank, not evaluated


# ------------------------------------------------------------------ 表三 grid


def test_grid_2021_with_merged_cells(tmp_path):
    p = tmp_path / "grid.xlsx"
    values = build_grid_xlsx(p)
    parsed = parse_spreadsheet(p)
    assert parsed.sheets == {"表三": "table3"}
    assert not parsed.errors, parsed.problems
    assert len(parsed.reports) == 1
    rep = parsed.reports[0]
    assert (rep.agency, rep.year, rep.form) == ("甲市商务局", 2023, "2021")
    got = {(f.metric, f.breakdown): f.value for f in rep.facts}
    assert got == {k: float(v) for k, v in values.items()}
    assert len(got) == 25 * 7
    f = rep.fact("requests.denied_state_secret", "research")
    assert f.evidence.table == "表三!F10"
    assert "国家秘密" in f.evidence.row_label and f.evidence.col_label == "科研机构"
    assert set(APPLICANT_KEYS) <= {b for (_m, b) in got}


def test_grid_2019_form_and_names_from_sheet_name(tmp_path):
    p = tmp_path / "upload.xlsx"
    values = build_grid_xlsx(p, agency=None, year=None, sheet="丙市教育局2020年", form="2019")
    parsed = parse_spreadsheet(p)
    assert not parsed.errors, parsed.problems
    rep = parsed.reports[0]
    assert (rep.agency, rep.year, rep.form) == ("丙市教育局", 2020, "2019")
    assert rep.fact("requests.other_handling", "").value == values[("requests.other_handling", "")]


def test_grid_without_agency_or_year_is_an_error(tmp_path):
    p = tmp_path / "Sheet.xlsx"
    build_grid_xlsx(p, agency=None, year=None, sheet="Sheet1")
    parsed = parse_spreadsheet(p)
    msgs = " ".join(e.message for e in parsed.errors)
    assert "agency not found" in msgs and "year not found" in msgs
    assert not parsed.reports


def test_grid_csv(tmp_path):
    rows = [["填报单位：甲市商务局", "", "", "2022年"], ["", "", "", "自然人", "商业企业", "科研机构",
            "社会公益组织", "法律服务机构", "其他", "总计"]]
    rows.append(["一、本年新收政府信息公开申请数量", "", "", "5", "1", "0", "0", "0", "0", "6"])
    rows.append(["三、本年度办理结果", "（一）予以公开", "", "4", "1", "0", "0", "0", "0", "5"])
    p = tmp_path / "grid.csv"
    p.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    parsed = parse_spreadsheet(p)
    assert not parsed.errors, parsed.problems
    got = _facts(parsed)
    assert got[("甲市商务局", 2022, "requests.received", "")] == 6
    assert got[("甲市商务局", 2022, "requests.granted", "commercial")] == 1


# ------------------------------------------------------------------ loading


def test_load_all_or_nothing_and_only_valid_rows(con, tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_text(
        "agency,year,metric_id,breakdown,value\n"
        "甲市商务局,2023,requests.received,,10\n"
        "甲市商务局,2023,requests.granted,,abc\n"
        "乙市商务局,2023,requests.received,,4\n",
        encoding="utf-8",
    )
    before = export(con)
    res = load_spreadsheet(p, con)
    assert res.status == "refused" and "1 error" in res.message and "mixed.csv" in res.message
    assert export(con) == before
    res = load_spreadsheet(p, con, only_valid_rows=True)
    assert res.status == "loaded", res.message
    assert "1 row(s) with errors skipped" in res.message
    rows = con.execute("SELECT a.name, f.metric_id, f.value, f.origin FROM facts f JOIN agencies a USING (agency_id) "
                       "ORDER BY 1, 2").fetchall()
    assert rows == [("乙市商务局", "requests.received", 4.0, "uploaded"),
                    ("甲市商务局", "requests.received", 10.0, "uploaded")]
    sha, arch, origin, name = con.execute("SELECT sha256, archive_path, origin, file_name FROM sources").fetchone()
    assert origin == "uploaded" and name == "mixed.csv"
    assert Path(arch).name == sha and Path(arch).read_bytes() == p.read_bytes()
    # re-uploading the same file changes nothing
    after = export(con)
    again = load_spreadsheet(p, con, only_valid_rows=True)
    assert again.status == "unchanged"
    assert export(con) == after


def test_loader_cli_path_accepts_spreadsheets(con, tmp_path):
    from etl.store.loader import load_paths

    p = tmp_path / "ok.csv"
    p.write_text("机关,年度,指标,分项,数值\n甲市商务局,2023,requests.received,,9\n", encoding="utf-8")
    res = load_paths([p], con)
    assert res.files[0].status == "loaded", res.files[0].message
    assert con.execute("SELECT value, origin FROM facts").fetchall() == [(9.0, "uploaded")]
    bad = tmp_path / "bad.csv"
    bad.write_text("机关,年度,指标,分项,数值\n甲市商务局,2023,requests.nope,,9\n", encoding="utf-8")
    res = load_paths([bad], con)
    assert res.files[0].status == "failed" and "requests.nope" in res.files[0].message


def test_preview_add_change_unchanged(con, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("agency,year,metric_id,breakdown,value\n甲市商务局,2023,requests.received,,10\n"
                     "甲市商务局,2023,requests.granted,,5\n", encoding="utf-8")
    pv = preview_upload(first, con)
    assert pv.status == "new" and pv.count("add") == 2
    assert export(con)[2][1] == []  # preview writes nothing
    assert load_spreadsheet(first, con).status == "loaded"
    assert preview_upload(first, con).status == "unchanged"
    second = tmp_path / "b.csv"
    second.write_text("agency,year,metric_id,breakdown,value\n甲市商务局,2023,requests.received,,10\n"
                      "甲市商务局,2023,requests.granted,,6\n甲市商务局,2023,requests.denied,,1\n"
                      "丁局,2023,requests.received,,1\n", encoding="utf-8")
    pv = preview_upload(second, con)
    actions = {(f["agency"], f["metric"]): (f["action"], f["old_value"]) for f in pv.facts}
    assert actions[("甲市商务局", "requests.received")] == ("unchanged", 10)
    assert actions[("甲市商务局", "requests.granted")] == ("change", 5)
    assert actions[("甲市商务局", "requests.denied")] == ("add", None)
    reps = {r["agency"]: r for r in pv.reports}
    assert reps["甲市商务局"]["action"] == "change" and reps["丁局"]["action"] == "add"
    assert reps["丁局"]["new_agency"] is True
    assert "丁局" in pv.new_agencies


def test_grid_labels_read_tolerantly(tmp_path):
    """Traditional characters in a row label (a mirror-site copy pasted into Excel)."""
    pytest.importorskip("etl.extract.formlabels")
    p = tmp_path / "grid.xlsx"
    values = build_grid_xlsx(p)
    wb = openpyxl.load_workbook(p)
    ws = wb.active
    assert ws["C10"].value == "1.属于国家秘密"
    ws["C10"] = "1.屬於國家秘密"
    wb.save(p)
    parsed = parse_spreadsheet(p)
    assert not parsed.errors and not parsed.warnings, parsed.problems
    rep = parsed.reports[0]
    assert rep.fact("requests.denied_state_secret", "").value == values[("requests.denied_state_secret", "")]
    assert len(rep.facts) == 25 * 7
