"""Upload (/upload): analysts add spreadsheets and report files — preview first, then confirm.

Flow: files → checked before reading (size, type, zip bombs) → parsed and validated → a
preview per file of the reports and facts it would add, change or leave unchanged, with every
problem → nothing is written until the analyst confirms → each file in one transaction. Viewers
never see the uploader. Upload names are shown sanitised and never used as storage paths.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from etl.present import i18n
from etl.present.input_text import finding_rules, input_message
from etl.sheets.preview import UploadPreview, preview_upload
from etl.store.loader import load_spreadsheet
from etl.sheets.validate import (
    REPORT_SUFFIXES,
    SPREADSHEET_SUFFIXES,
    display_name,
    max_upload_bytes,
    max_upload_mb,
)
from pages._corrections import analyst_gate
from pages._ui.data import get_con, write_con
from pages._ui.messages import error_boundary
from pages._ui.session import lang, t
from pages._ui.state import page_setup

_SS_PREVIEWS = "_gk_upload_previews"  # file_id → (UploadPreview, temp path)
_SS_DONE = "_gk_upload_done"
_SS_TMP = "_gk_upload_tmp"

i18n.register({
    "up_intro": (
        "上传电子表格（模板、长表或表三）或年度报告文件。写入前会先显示预览，确认后才写入数据库。",
        "Upload spreadsheets (template, long format or the Table 3 (表三) grid) or report files. You see a "
        "preview first; nothing is written until you confirm.",
    ),
    "up_template": ("下载填报模板（xlsx）", "Download the template (xlsx)"),
    "up_files": ("选择文件（可多选）", "Choose files (several at once)"),
    "up_limit": ("每个文件最大 {mb} MB。", "Up to {mb} MB per file."),
    "up_checking": ("正在检查 {name}…", "Checking {name}…"),
    "up_preview": ("预览", "Preview"),
    "up_refused": ("已拒绝：{msg}", "Refused: {msg}"),
    "up_unchanged": ("未变化：{msg}", "Unchanged: {msg}"),
    "up_summary": (
        "报告 {reports} 份；数值：新增 {add}，修改 {change}，不变 {same}；问题：错误 {errors}，警告 {warnings}",
        "{reports} report(s); facts: {add} new, {change} changed, {same} unchanged; "
        "problems: {errors} error(s), {warnings} warning(s)",
    ),
    "up_reports": ("报告", "Reports"),
    "up_facts": ("数值", "Facts"),
    "up_problems": ("问题", "Problems"),
    "up_has_errors": (
        "该文件有 {n} 个错误，不会写入。请修改文件后重新上传，或勾选“只写入无错误的行”。",
        "This file has {n} error(s) and will not be written. Fix the file and upload it again, "
        "or tick “load only the valid rows”.",
    ),
    "up_only_valid": ("只写入无错误的行（跳过 {n} 行）", "Load only the valid rows (skip {n} row(s))"),
    "up_new_agencies": (
        "将新建 {n} 个机关：{names}。请确认名称无误。",
        "{n} new agenc(ies) will be created: {names}. Check the names.",
    ),
    "up_confirm_agencies": ("确认新建这些机关", "Create these agencies"),
    "up_confirm": ("确认写入数据库", "Confirm and write to the database"),
    "up_nothing": (
        "当前没有可写入的文件（已拒绝、内容未变化，或错误尚未处理）。",
        "Nothing to write yet (files refused, unchanged, or with errors not dealt with).",
    ),
    "up_written": ("已写入：{msg}", "Written: {msg}"),
    "up_not_written": ("未写入：{msg}", "Not written: {msg}"),
    "up_go_overview": ("查看总览", "Open the overview"),
    "up_col_position": ("文件中位置", "Position"),
    "up_col_agency": ("机构", "Agency"),
    "up_col_year": ("年度", "Year"),
    "up_col_new_agency": ("新机构", "New agency"),
    "up_col_action": ("操作", "Action"),
    "up_col_facts_add": ("新增数值", "New facts"),
    "up_col_facts_change": ("修改数值", "Changed facts"),
    "up_col_facts_unchanged": ("不变数值", "Unchanged facts"),
    "up_col_findings": ("问题", "Findings"),
    "up_col_metric": ("指标", "Metric"),
    "up_col_metric_id": ("指标编号", "Metric id"),
    "up_col_breakdown": ("分项", "Breakdown"),
    "up_col_value": ("新数值", "New value"),
    "up_col_old_value": ("原数值", "Current value"),
    "up_col_cell": ("单元格", "Cell"),
    "up_col_severity": ("严重程度", "Severity"),
    "up_col_sheet": ("工作表", "Sheet"),
    "up_col_row": ("行", "Row"),
    "up_col_column": ("列", "Column"),
    "up_col_message": ("说明", "Message"),
    "up_no_rows": ("无", "None"),
    "up_same_file": ("未变化：{name} 已导入过（内容相同，sha256 {sha}），不会有任何更改。",
                     "Unchanged: {name} was loaded before (same content, sha256 {sha}); nothing will change."),
    "up_loaded_msg": ("{name}：报告 {reports} 份，数值 {facts} 个",
                      "{name}: loaded {reports} report(s), {facts} fact(s)"),
    "up_loaded_skipped": ("（跳过 {n} 行有错误的数据）", ", {n} row(s) with errors skipped"),
    "up_no_problems": ("未发现问题。", "No problems found."),
    "up_action_add": ("新增", "add"),
    "up_action_change": ("修改", "change"),
    "up_action_unchanged": ("不变", "unchanged"),
})


def _labelled(rows: list[dict]) -> tuple[pd.DataFrame, dict]:
    """A preview table with its headers and actions in the interface language (the keys of
    the preview rows are identifiers, not words for an analyst)."""
    lg = lang()
    df = pd.DataFrame(rows)
    if "action" in df.columns:
        df["action"] = [t(f"up_action_{a}") if a in ("add", "change", "unchanged") else a
                        for a in df["action"]]
    if "metric" in df.columns:
        df.insert(df.columns.get_loc("metric"), "metric_label",
                  [i18n.metric_label(m, lg) for m in df["metric"]])
        df = df.rename(columns={"metric": "metric_id"})
    if "severity" in df.columns:
        df["severity"] = [i18n.severity_label(x, lg) for x in df["severity"]]
    if "breakdown" in df.columns:
        df["breakdown"] = [i18n.breakdown_label(b, lg) for b in df["breakdown"]]
    config = {}
    for c in df.columns:
        key = "up_col_metric" if c == "metric_label" else f"up_col_{c}"
        label = t(key)
        if label != key:  # a registered header
            config[c] = st.column_config.Column(label)
    return df, config


@st.cache_data(show_spinner=False)
def _template_bytes() -> bytes:
    from etl.sheets.template import build_template

    return build_template()


def _tmp_dir() -> Path:
    d = st.session_state.get(_SS_TMP)
    if not d or not Path(d).is_dir():
        d = tempfile.mkdtemp(prefix="gongkai-upload-")
        st.session_state[_SS_TMP] = d
    return Path(d)


def _store_upload(f: Any) -> Path:
    """Write an upload to our own temp dir: <tmp>/<sha256>/<sanitised name> (never the raw name)."""
    data = f.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    folder = _tmp_dir() / sha
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / display_name(f.name)
    path.write_bytes(data)
    return path


def _prepare(f: Any, con: Any) -> tuple[UploadPreview, Path | None]:
    name = display_name(f.name)
    size = int(getattr(f, "size", 0) or 0)
    if size > max_upload_bytes():  # refused from the size alone, before reading the bytes
        return UploadPreview(name, "refused", message=(
            f"{name}: too large: {size / (1024 * 1024):.0f} MB (the limit is {max_upload_mb()} MB per file)")), None
    path = _store_upload(f)
    return preview_upload(path, con, name=name), path


def _show_preview(pv: UploadPreview, idx: int) -> dict[str, bool]:
    """Render one file's preview; return the analyst's choices for it."""
    choice = {"write": False, "only_valid": False, "agencies_ok": True}
    if pv.status == "refused":  # the readers' and the validator's reasons are English
        st.error(t("up_refused", msg=input_message(pv.message, lang())))
        return choice
    if pv.status == "unchanged":  # the only cause: the same bytes were loaded before
        sha = f"{pv.sha256[:12]}…" if getattr(pv, "sha256", None) else ""
        st.info(t("up_same_file", name=pv.file, sha=sha))
        return choice
    errors = pv.errors
    warnings = [p for p in pv.problems if p.severity == "warning"]
    st.markdown(f"**{pv.file}**")
    st.write(t("up_summary", reports=len(pv.reports), add=pv.count("add"), change=pv.count("change"),
               same=pv.count("unchanged"), errors=len(errors), warnings=len(warnings)))
    # problems first when there are any: behind a third tab, an analyst saw "3 errors" above
    # an empty reports table and had to hunt for them
    order = ["problems", "reports", "facts"] if pv.problems else ["reports", "facts", "problems"]
    labels = {"reports": t("up_reports"), "facts": t("up_facts"),
              "problems": f'{t("up_problems")} ({len(pv.problems)})'}
    tabs = dict(zip(order, st.tabs([labels[k] for k in order])))
    # a finding's message is explained by its rule: the reports the preview extracted or built
    rules = finding_rules(pv.extracted or (pv.parsed.reports if pv.parsed else []))
    problems = [{"severity": p.severity, "sheet": p.sheet, "row": p.row, "column": p.column,
                 "cell": p.cell, "message": input_message(p.message, lang(), rules)} for p in pv.problems]
    for key, rows, none_key in (("reports", pv.reports, "up_no_rows"), ("facts", pv.facts, "up_no_rows"),
                                ("problems", problems, "up_no_problems")):
        with tabs[key]:
            if not rows:
                st.caption(t(none_key))
            else:
                df, config = _labelled(rows)
                st.dataframe(df, hide_index=True, column_config=config)
    choice["write"] = True
    if errors:
        st.warning(t("up_has_errors", n=len(errors)))
        if pv.kind == "spreadsheet" and pv.reports:
            choice["only_valid"] = st.checkbox(t("up_only_valid", n=pv.rows_bad), key=f"gk_only_valid_{idx}")
        choice["write"] = choice["only_valid"]
    if pv.new_agencies and choice["write"]:
        names = "、".join(list(pv.new_agencies)[:10]) + ("…" if len(pv.new_agencies) > 10 else "")
        st.warning(t("up_new_agencies", n=len(pv.new_agencies), names=names))
        choice["agencies_ok"] = st.checkbox(t("up_confirm_agencies"), key=f"gk_agencies_ok_{idx}")
    if not pv.reports:
        choice["write"] = False
    return choice


def _write(pv: UploadPreview, path: Path, only_valid: bool, con: Any) -> tuple[bool, str]:
    if pv.kind == "spreadsheet":
        res = load_spreadsheet(path, con, only_valid_rows=only_valid, name=pv.file, parsed=pv.parsed)
        if res.status == "loaded":  # the loader's message is English; say it in the UI language
            msg = t("up_loaded_msg", name=pv.file, reports=len(res.report_ids), facts=res.facts)
            if only_valid and pv.rows_bad:
                msg += t("up_loaded_skipped", n=pv.rows_bad)
            return True, msg
        return False, res.message
    from etl.store.loader import load_file

    res = load_file(path, con, name=pv.file, origin="uploaded")
    if res.status == "loaded":
        return True, t("up_loaded_msg", name=pv.file, reports=res.reports, facts=res.facts)
    msg = res.message if pv.file in res.message else f"{pv.file}: {res.message}"
    return False, msg


def main() -> None:
    page_setup("upload", "page_upload")
    with error_boundary():
        decision = analyst_gate()
        if not decision.is_analyst:
            return  # viewers never see the uploader
        st.caption(t("up_intro"))
        st.download_button(t("up_template"), _template_bytes(), file_name="gongkai_template.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           on_click="ignore", key="gk_template")
        for msg_ok, msg in st.session_state.pop(_SS_DONE, []):  # a failure says why in English
            (st.success if msg_ok else st.error)(
                t("up_written", msg=msg) if msg_ok else t("up_not_written", msg=input_message(msg, lang())))
        types = [s.lstrip(".") for s in SPREADSHEET_SUFFIXES + REPORT_SUFFIXES]
        gen = st.session_state.setdefault("_gk_upload_gen", 0)  # a new key empties the uploader
        files = st.file_uploader(t("up_files"), type=types, accept_multiple_files=True, key=f"gk_upload_{gen}",
                                 max_upload_size=max_upload_mb(), help=t("up_limit", mb=max_upload_mb()))
        if not files:
            st.session_state.pop(_SS_PREVIEWS, None)
            return
        con = get_con()
        cache: dict[str, tuple[UploadPreview, Path | None]] = st.session_state.setdefault(_SS_PREVIEWS, {})
        bar = st.progress(0.0)
        for i, f in enumerate(files):
            fid = f"{getattr(f, 'file_id', '')}:{f.name}:{getattr(f, 'size', 0)}"
            if fid not in cache:
                bar.progress(i / len(files), text=t("up_checking", name=display_name(f.name)))
                cache[fid] = _prepare(f, con)
        bar.empty()
        st.subheader(t("up_preview"))
        plan: list[tuple[UploadPreview, Path, bool]] = []
        blocked = False
        for i, f in enumerate(files):
            fid = f"{getattr(f, 'file_id', '')}:{f.name}:{getattr(f, 'size', 0)}"
            pv, path = cache[fid]
            with st.container(border=True):
                choice = _show_preview(pv, i)
            if choice["write"] and path is not None:
                plan.append((pv, path, choice["only_valid"]))
                blocked = blocked or not choice["agencies_ok"]
        if not plan:
            st.info(t("up_nothing"))
            return
        if st.button(t("up_confirm"), type="primary", disabled=blocked, key="gk_confirm"):
            done = []
            try:
                # the primary, in turn with the other writers; a snapshot is published after
                with write_con() as wcon:
                    for pv, path, only_valid in plan:
                        try:
                            done.append(_write(pv, path, only_valid, wcon))
                        except Exception as exc:  # noqa: BLE001 — one file's failure never stops the others
                            done.append((False, f"{pv.file}: {type(exc).__name__}: {exc}"))
            except Exception as exc:  # noqa: BLE001 — e.g. another writer kept the lock too long
                done = [*done, *((False, f"{pv.file}: {exc}") for pv, _p, _o in plan[len(done):])]
            st.session_state[_SS_DONE] = done
            st.session_state.pop(_SS_PREVIEWS, None)
            shutil.rmtree(st.session_state.pop(_SS_TMP, ""), ignore_errors=True)
            st.session_state["_gk_upload_gen"] = gen + 1
            st.cache_data.clear()
            st.rerun()


main()
