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

from etl import i18n
from etl.spreadsheets import UploadPreview, load_spreadsheet, preview_upload
from etl.validate import REPORT_SUFFIXES, SPREADSHEET_SUFFIXES, display_name, max_upload_bytes, max_upload_mb
from pages._corrections import analyst_gate
from pages._ui import error_boundary, get_con, page_setup, t

_SS_PREVIEWS = "_gk_upload_previews"  # file_id → (UploadPreview, temp path)
_SS_DONE = "_gk_upload_done"
_SS_TMP = "_gk_upload_tmp"

i18n.register({
    "up_intro": (
        "上传电子表格（模板、长表或表三）或年度报告文件。写入前会先显示预览，确认后才写入数据库。",
        "Upload spreadsheets (template, long format or 表三 grid) or report files. You see a "
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
})


@st.cache_data(show_spinner=False)
def _template_bytes() -> bytes:
    from etl.template import build_template

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
    if pv.status == "refused":
        st.error(t("up_refused", msg=pv.message))
        return choice
    if pv.status == "unchanged":
        st.info(t("up_unchanged", msg=pv.message))
        return choice
    errors = pv.errors
    warnings = [p for p in pv.problems if p.severity == "warning"]
    st.markdown(f"**{pv.file}**")
    st.write(t("up_summary", reports=len(pv.reports), add=pv.count("add"), change=pv.count("change"),
               same=pv.count("unchanged"), errors=len(errors), warnings=len(warnings)))
    tabs = st.tabs([t("up_reports"), t("up_facts"), t("up_problems")])
    with tabs[0]:
        st.dataframe(pd.DataFrame(pv.reports), hide_index=True)
    with tabs[1]:
        st.dataframe(pd.DataFrame(pv.facts), hide_index=True)
    with tabs[2]:
        if pv.problems:
            st.dataframe(pd.DataFrame([{
                "severity": p.severity, "sheet": p.sheet, "row": p.row, "column": p.column,
                "cell": p.cell, "message": p.message} for p in pv.problems]), hide_index=True)
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
        return res.status == "loaded", res.message
    from etl.loader import load_file

    res = load_file(path, con, name=pv.file, origin="uploaded")
    msg = res.message if pv.file in res.message else f"{pv.file}: {res.message}"
    return res.status == "loaded", msg


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
        for msg_ok, msg in st.session_state.pop(_SS_DONE, []):
            (st.success if msg_ok else st.error)(t("up_written" if msg_ok else "up_not_written", msg=msg))
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
            for pv, path, only_valid in plan:
                try:
                    done.append(_write(pv, path, only_valid, con))
                except Exception as exc:  # noqa: BLE001 — one file's failure never stops the others
                    done.append((False, f"{pv.file}: {type(exc).__name__}: {exc}"))
            st.session_state[_SS_DONE] = done
            st.session_state.pop(_SS_PREVIEWS, None)
            shutil.rmtree(st.session_state.pop(_SS_TMP, ""), ignore_errors=True)
            st.session_state["_gk_upload_gen"] = gen + 1
            st.cache_data.clear()
            st.rerun()


main()
