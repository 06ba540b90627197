"""Analyst role and correction controls shared by the upload, review and report pages.

``analyst_gate()`` decides (via the pure rules in ``etl.store.access``) whether this session is an
analyst, showing the sign-in or key field where needed; ``render_corrections(report_id, con)``
is called by the report page and shows correction controls ONLY to analysts — viewers get
nothing. The analyst key lives in ``st.session_state`` only: never in the URL, so a shared link
never carries it.
"""
from __future__ import annotations

import os
from typing import Any

import streamlit as st

from etl.store import access
from etl.present import i18n
from etl.store.access import Decision
from etl.metrics import load_metrics

_SS_KEY = "_gk_analyst_key"  # the key this session entered (session only, never the URL)
_SS_WHO = "_gk_who"
_SS_SAVED = "_gk_correction_saved"  # id of the correction saved in the previous run

i18n.register({
    "gk_analyst_only": ("此功能仅限分析员使用。", "This is for analysts only."),
    "gk_enter_key": ("分析员密钥", "Analyst key"),
    "gk_key_help": (
        "密钥只保存在本次会话中，不会出现在链接里。",
        "The key is kept for this session only and never appears in a link.",
    ),
    "gk_key_submit": ("以分析员身份登录", "Sign in as analyst"),
    "gk_sign_in": ("登录", "Sign in"),
    "gk_sign_out": ("退出分析员身份", "Leave analyst mode"),
    "gk_log_out": ("退出登录", "Sign out"),
    "gk_role_analyst": ("分析员：{reason}", "Analyst: {reason}"),
    "gk_corrections": ("更正（分析员）", "Corrections (analyst)"),
    "gk_fix_fact": ("更正数值", "Correct a value"),
    "gk_fix_report": ("更正机关或年度", "Correct agency or year"),
    "gk_merge": ("合并机关名称", "Merge agency names"),
    "gk_who": ("更正人", "Your name"),
    "gk_why": ("原因", "Reason"),
    "gk_metric": ("指标", "Metric"),
    "gk_breakdown": ("分项（留空为总计）", "Breakdown (empty = total)"),
    "gk_new_value": ("新数值（留空表示无数据）", "New value (empty = no value)"),
    "gk_agency": ("机关", "Agency"),
    "gk_year": ("年度", "Year"),
    "gk_merge_alias": ("被合并的名称", "Name to merge away"),
    "gk_merge_target": ("合并到", "Merge into"),
    "gk_save": ("保存更正", "Save correction"),
    "gk_saved": ("已保存更正 #{id}。", "Correction #{id} saved."),
    "gk_not_saved": ("未保存：{error}", "Not saved: {error}"),
    "gk_history": ("更正记录", "Correction history"),
    "gk_no_history": ("暂无更正记录。", "No corrections yet."),
    "gk_need_who_why": ("请填写更正人和原因。", "Enter your name and a reason."),
    "gk_r_sign_in": ("请登录后上传或更正数据。", "Sign in to upload or correct data."),
    "gk_r_key_ok": ("分析员密钥已通过。", "Analyst key accepted."),
    "gk_r_key_wrong": ("分析员密钥不正确。", "Wrong analyst key."),
    "gk_r_key_enter": ("请输入分析员密钥以上传或更正数据。", "Enter the analyst key to upload or correct data."),
    "gk_r_local_ok": ("未配置登录：允许在本机上传和更正。", "No sign-in configured: changes allowed from this machine."),
    "gk_r_local_only": (
        "未配置分析员密钥或登录：只能在运行仪表盘的计算机上上传和更正数据。",
        "Uploads and corrections are allowed only from the machine running the dashboard "
        "(no analyst key or sign-in is configured).",
    ),
    "gk_r_not_listed": ("{who} 不在分析员名单中。", "{who} is not in the analysts list."),
    "gk_r_signed_in": ("已作为分析员 {who} 登录。", "Signed in as analyst {who}."),
})


def _t(key: str, **fmt: object) -> str:
    return i18n.t(key, i18n.norm_lang(st.session_state.get("qp_lang")), **fmt)


def _secrets() -> dict[str, Any]:
    """``st.secrets`` as a plain dict; {} when there is no secrets file."""
    try:
        return {k: st.secrets[k] for k in st.secrets.keys()}
    except Exception:  # noqa: BLE001 — no secrets.toml is normal
        return {}


def access_config() -> access.AccessConfig:
    return access.load_config(_secrets(), os.environ)


def _user() -> tuple[bool, str | None]:
    try:
        logged_in = bool(st.user.is_logged_in)
        email = st.user.get("email") if logged_in else None
        return logged_in, (str(email) if email else None)
    except Exception:  # noqa: BLE001 — auth not configured / not available in AppTest
        return False, None


def _client() -> tuple[str | None, dict[str, str]]:
    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001
        ip = None
    if not isinstance(ip, str):  # AppTest returns a mock object: no real client
        ip = None
    try:
        headers = {k: v for k, v in st.context.headers.items()}
    except Exception:  # noqa: BLE001
        headers = {}
    return ip, headers


# Decision.reason (etl/store/access.py) is English prose; shown to users in their language.
_REASON_KEYS: dict[str, str] = {
    "sign in to upload or correct data": "gk_r_sign_in",
    "analyst key accepted": "gk_r_key_ok",
    "wrong analyst key": "gk_r_key_wrong",
    "enter the analyst key to upload or correct data": "gk_r_key_enter",
    "no sign-in configured: changes allowed from this machine": "gk_r_local_ok",
    "uploads and corrections are allowed only from the machine running the dashboard "
    "(no analyst key or sign-in is configured)": "gk_r_local_only",
}


def reason_text(decision: Decision) -> str:
    """The decision's reason in the interface language (unknown reasons as given)."""
    key = _REASON_KEYS.get(decision.reason)
    if key is not None:
        return _t(key)
    if decision.reason.endswith(" is not in the analysts list"):
        return _t("gk_r_not_listed", who=decision.who or "")
    if decision.reason.startswith("signed in as analyst "):
        return _t("gk_r_signed_in", who=decision.who or "")
    return decision.reason


def current_decision() -> Decision:
    """This session's role, rendering nothing (for pages that only hide controls)."""
    cfg = access_config()
    logged_in, email = _user()
    ip, headers = _client()
    return access.decide(cfg, user_email=email, logged_in=logged_in,
                         entered_key=st.session_state.get(_SS_KEY), ip=ip, headers=headers)


def _submit_key() -> None:
    st.session_state[_SS_KEY] = st.session_state.get("gk_key_input", "") or ""


def analyst_gate() -> Decision:
    """Decide the role and, for a viewer, show how to become an analyst (or why not)."""
    cfg = access_config()
    decision = current_decision()
    if decision.is_analyst:
        if cfg.mode == "key" and st.sidebar.button(_t("gk_sign_out"), key="gk_sign_out"):
            st.session_state.pop(_SS_KEY, None)
            st.rerun()
        if cfg.mode == "oidc" and st.sidebar.button(_t("gk_log_out"), key="gk_log_out"):
            st.logout()
        return decision
    if cfg.mode == "oidc":
        st.info(reason_text(decision))
        logged_in, _ = _user()
        if not logged_in and st.button(_t("gk_sign_in"), key="gk_login"):
            st.login()
    elif cfg.mode == "key":
        if st.session_state.get(_SS_KEY):
            st.error(reason_text(decision))
        with st.form("gk_key_form", clear_on_submit=True):
            st.text_input(_t("gk_enter_key"), type="password", key="gk_key_input", help=_t("gk_key_help"))
            st.form_submit_button(_t("gk_key_submit"), on_click=_submit_key)
    else:
        st.warning(reason_text(decision))
    return decision


def who_default(decision: Decision) -> str:
    return decision.who or st.session_state.get(_SS_WHO, "")


def render_history(report_id: int, con: Any) -> None:
    """The report's correction history (safe for everyone: it shows, it changes nothing)."""
    from etl.store.corrections import history

    df = history(con, int(report_id))
    st.markdown(f"**{_t('gk_history')}**")
    if df.empty:
        st.caption(_t("gk_no_history"))
    else:
        st.dataframe(df, hide_index=True)


def render_corrections(report_id: int, con: Any) -> None:
    """Correction controls for one report — only for analysts; viewers see nothing at all."""
    decision = current_decision()
    if not decision.is_analyst:
        return
    from etl.store import corrections

    row = con.execute(
        "SELECT r.year, a.name FROM reports r LEFT JOIN agencies a USING (agency_id) WHERE r.report_id = ?",
        [int(report_id)],
    ).fetchone()
    if row is None:
        return
    year, agency = row
    saved = st.session_state.pop(_SS_SAVED, None)
    with st.expander(_t("gk_corrections"), expanded=saved is not None):
        if saved is not None:
            st.success(_t("gk_saved", id=saved))
        who = st.text_input(_t("gk_who"), value=who_default(decision), key=f"gk_who_{report_id}",
                            disabled=bool(decision.who))
        if who and not decision.who:
            st.session_state[_SS_WHO] = who
        tab_fact, tab_report, tab_merge = st.tabs([_t("gk_fix_fact"), _t("gk_fix_report"), _t("gk_merge")])
        metrics = list(load_metrics())
        with tab_fact, st.form(f"gk_fact_{report_id}"):
            have = [r[0] for r in con.execute(
                "SELECT DISTINCT metric_id FROM facts WHERE report_id = ? ORDER BY 1", [int(report_id)]).fetchall()]
            options = have + [m for m in metrics if m not in have]
            metric = st.selectbox(_t("gk_metric"), options,
                                  format_func=lambda m, _lg=i18n.norm_lang(st.session_state.get("qp_lang")):
                                  f"{i18n.metric_label(m, _lg)} ({m})")
            breakdown = st.text_input(_t("gk_breakdown"))
            new_value = st.text_input(_t("gk_new_value"))
            why = st.text_input(_t("gk_why"), key=f"gk_why_fact_{report_id}")
            if st.form_submit_button(_t("gk_save")):
                _save(lambda w: corrections.correct_fact(
                    w, int(report_id), metric, breakdown.strip(),
                    float(new_value.replace(",", "")) if new_value.strip() else None, who, why))
        with tab_report:
            with st.form(f"gk_agency_{report_id}"):
                new_agency = st.text_input(_t("gk_agency"), value=str(agency or ""))
                why_a = st.text_input(_t("gk_why"), key=f"gk_why_agency_{report_id}")
                if st.form_submit_button(_t("gk_save")):
                    _save(lambda w: corrections.correct_report(w, int(report_id), "agency", new_agency, who, why_a))
            with st.form(f"gk_year_{report_id}"):
                new_year = st.number_input(_t("gk_year"), min_value=2000, max_value=2100, step=1,
                                           value=int(year) if year else 2000)
                why_y = st.text_input(_t("gk_why"), key=f"gk_why_year_{report_id}")
                if st.form_submit_button(_t("gk_save")):
                    _save(lambda w: corrections.correct_report(w, int(report_id), "year", int(new_year), who, why_y))
        names = [r[0] for r in con.execute("SELECT name FROM agencies ORDER BY name").fetchall()]
        with tab_merge, st.form(f"gk_merge_{report_id}"):
            alias = st.selectbox(_t("gk_merge_alias"), names,
                                 index=names.index(agency) if agency in names else 0)
            target = st.selectbox(_t("gk_merge_target"), names)
            why = st.text_input(_t("gk_why"), key=f"gk_why_merge_{report_id}")
            if st.form_submit_button(_t("gk_save")) and alias and target:
                _save(lambda w: corrections.merge_agencies(w, alias, target, who, why))
    # the history itself is shown to everyone by the report page (queries.report_corrections)


def _save(action: Any) -> None:
    """Run a correction on the primary database (in turn with the other writers; a snapshot is
    published after); on success rerun so every number on the page shows the new value."""
    from etl.store.corrections import CorrectionError
    from etl.store.snapshot import LockTimeout
    from pages._ui.data import write_con

    try:
        with write_con() as w:
            cid = action(w)
    except (CorrectionError, ValueError, LockTimeout) as exc:
        st.error(_t("gk_not_saved", error=str(exc)))
        return
    st.cache_data.clear()
    st.session_state[_SS_SAVED] = cid
    st.rerun()
