"""The downloadable xlsx template analysts fill in: one row per agency and year.

Built with openpyxl (write-only features we need: data validation, frozen panes, widths).
Headers are ``label_zh (metric_id)`` so a person reads Chinese and :mod:`etl.sheets.parse`
reads the id; the second sheet lists every metric with its unit. Numeric cells carry data
validation (decimal ≥ 0, except ``*_change`` and ``*_yoy_pct`` which may be negative) so Excel
itself stops most typing errors before the file reaches us.
"""
from __future__ import annotations

import io

from etl.metrics import UNIT_LABELS_ZH, load_metrics
from etl.sheets.parse import METRIC_LIST_SHEET, TEMPLATE_SHEET
from etl.sheets.validate import allows_negative, col_letter

AGENCY_HEADER = "机关 (agency)"
YEAR_HEADER = "年度 (year)"
TEMPLATE_ROWS = 500  # rows covered by data validation


def template_headers() -> list[str]:
    """The data sheet's header row, in metric-dictionary order (totals only)."""
    return [AGENCY_HEADER, YEAR_HEADER] + [
        f"{m.label_zh} ({m.metric_id})" for m in load_metrics().values()
    ]


def build_template(example: bool = True) -> bytes:
    """The template workbook as xlsx bytes (for ``st.download_button`` or the CLI)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    metrics = list(load_metrics().values())
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    ws.append(template_headers())
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 60
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 10
    for j in range(2, len(metrics) + 2):
        ws.column_dimensions[col_letter(j)].width = 14
    ws.freeze_panes = "C2"
    if example:
        ws.append(["示例：某某市商务局（请删除本行）", 2023])
    last = TEMPLATE_ROWS + 1
    year_dv = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100",
                             showErrorMessage=True, errorTitle="年度", error="请填写 2000–2100 之间的年份")
    ws.add_data_validation(year_dv)
    year_dv.add(f"B2:B{last}")
    nonneg = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                            showErrorMessage=True, errorTitle="数值", error="请填写不小于 0 的数字")
    anynum = DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15",
                            showErrorMessage=True, errorTitle="数值", error="请填写数字（可为负数）")
    ws.add_data_validation(nonneg)
    ws.add_data_validation(anynum)
    for j, m in enumerate(metrics, start=2):
        col = col_letter(j)
        (anynum if allows_negative(m.metric_id) else nonneg).add(f"{col}2:{col}{last}")

    ls = wb.create_sheet(METRIC_LIST_SHEET)
    ls.append(["metric_id", "名称", "label", "单位", "unit", "分项类型 breakdown", "可为负数"])
    for cell in ls[1]:
        cell.font = bold
    for m in metrics:
        ls.append([m.metric_id, m.label_zh, m.label_en, UNIT_LABELS_ZH.get(m.unit, m.unit), m.unit,
                   m.breakdown, "是" if allows_negative(m.metric_id) else ""])
    ls.append([])
    ls.append(["说明", "金额以元填写；若以万元填写，请在列标题中注明（万元），系统会换算为元并提示。"])
    ls.append(["", "长表格式（每行一个数）：机关, 年度, 指标, 分项, 数值, 单位, 备注 — 也可上传。"])
    for col, width in zip("ABCDEFG", (40, 40, 50, 8, 8, 18, 10)):
        ls.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
