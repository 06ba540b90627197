"""Report (/report?report=ID): one report's metadata, facts with their evidence, findings, the
original file and the correction history. Without ``report`` a picker lists the selection's
reports. Document text is only shown through st.dataframe / st.text / st.code (escaped)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.present import findings_text as ft
from etl.present import i18n
from etl.query import overview
from etl.present.urlstate import to_int
from pages._ui.data import get_con, selection
from pages._ui.downloads import download_buttons
from pages._ui.messages import empty_state, error_boundary
from pages._ui.session import agency_option, lang, md_escape, metric_label, t
from pages._ui.state import page_setup, set_url_param, url_param


def picker(filters) -> None:  # type: ignore[no-untyped-def]
    ids, y0, y1 = selection(filters)
    reports = overview.reports_list(get_con(), ids, y0, y1)
    if reports.empty:
        empty_state()
        return
    unknown = t("unknown")
    labels = {
        int(r.report_id): f"#{int(r.report_id)} · {agency_option(r.agency) if isinstance(r.agency, str) else unknown}"
        f" · {'' if pd.isna(r.year) else int(r.year)} · {i18n.kind_label(r.kind, lang())}"
        for r in reports.itertuples()
    }
    st.caption(t("pick_report_help", n=len(labels)))
    choice = st.selectbox(t("pick_report"), [None, *labels], index=0, key="report_picker",
                          format_func=lambda k: "—" if k is None else labels[k],
                          placeholder=t("choose"))
    if choice is not None:
        set_url_param("report", str(choice))
        st.rerun()


def metadata(rep: dict) -> None:
    st.subheader(t("metadata"))
    unknown = t("unknown")
    rows = [
        (t("title"), rep.get("title")),
        (t("agency"), agency_option(rep.get("agency")) or unknown),
        (t("printed_agency"), rep.get("printed_agency")),
        (t("region"), rep.get("region")),
        (t("level"), i18n.level_label(rep.get("level"), lang()) or None),
        (t("year"), None if rep.get("year") is None else str(int(rep["year"]))),
        (t("kind"), i18n.kind_label(rep.get("kind"), lang())),
        (t("form"), i18n.form_label(rep.get("form"), lang()) or None),
        (t("published"), None if rep.get("published") is None else str(rep["published"])[:10]),
        (t("source_file"), rep.get("file_name")),
        (t("position"), None if rep.get("position") is None else str(int(rep["position"]))),
        (t("sha256"), rep.get("sha256")),
        (t("loaded_at"), None if rep.get("loaded_at") is None else str(rep["loaded_at"])[:19]),
    ]
    df = pd.DataFrame([(k, "" if v is None else str(v)) for k, v in rows],
                      columns=[t("field"), t("value")])
    st.dataframe(df, hide_index=True, height=36 * (len(df) + 1) + 3)


def facts_section(rid: int, year: int | None) -> None:
    st.subheader(t("facts"))
    facts = overview.report_facts(get_con(), rid, None if year is None else int(year))
    if facts.empty:
        empty_state(t("no_facts"))
        return
    out = pd.DataFrame({
        t("metric"): [metric_label(m) for m in facts["metric_id"]],
        "metric_id": facts["metric_id"],
        t("breakdown"): [i18n.breakdown_label(b, lang()) for b in facts["breakdown"]],
        t("value"): facts["value"],
        t("unit"): [i18n.unit_label(u, lang()) for u in facts["unit"]],
        t("approx"): facts["approx"],
        t("page"): facts["page"],
        t("table"): facts["table_name"],
        t("row_label"): facts["row_label"],
        t("col_label"): facts["col_label"],
        t("raw_text"): facts["raw_text"],
        t("offset"): facts["char_offset"],
        t("origin"): [i18n.origin_label(o, lang()) for o in facts["origin"]],
        t("note"): facts["note"],
    })
    st.dataframe(out, hide_index=True)
    download_buttons(out, f"report_{rid}_facts")


def findings_section(rid: int) -> None:
    st.subheader(t("findings"))
    fd = overview.report_findings(get_con(), rid)
    if fd.empty:
        st.success(t("no_findings"))
        return
    lg = lang()
    out = fd.assign(
        severity=[i18n.severity_label(s, lg) for s in fd["severity"]],
        message=[ft.finding_message(r, m, None, lg) for r, m in zip(fd["rule"], fd["message"])],
        cells=[ft.text_or_blank(c) for c in fd["cells"]],
    )
    out.insert(0, "rule_desc", [i18n.rule_label(r, lg) for r in fd["rule"]])
    out = out.rename(
        columns={"rule_desc": t("rule_desc"), "rule": t("rule"), "severity": t("severity"),
                 "message": t("message"),
                 "cells": t("cells")})
    st.dataframe(out, hide_index=True)


def original_section(rep: dict) -> None:
    st.subheader(t("download_original"))
    path = overview.original_file(rep.get("archive_path"))
    if path is None:
        st.warning(t("original_missing", path=md_escape(rep.get("archive_path") or "—")))
        return
    st.download_button(
        t("download_original"), lambda: path.read_bytes(),
        file_name=rep.get("file_name") or path.name,
        mime="application/octet-stream", key="download_original", on_click="ignore",
    )


def corrections_section(rid: int) -> None:
    st.subheader(t("corrections"))
    try:
        from pages._corrections import render_corrections  # type: ignore[import-not-found]
    except ImportError:
        render_corrections = None
    if render_corrections is not None:
        render_corrections(rid, get_con())
    hist = overview.report_corrections(get_con(), rid)
    if hist.empty:
        st.caption(t("no_corrections"))
        return
    lg = lang()
    hist = hist.assign(
        metric_id=[
            "" if not isinstance(m, str) or not m else f"{i18n.metric_label(m, lg)} ({m})"
            for m in hist["metric_id"]
        ],
        target=[t(f"corr_target_{x}") if t(f"corr_target_{x}") != f"corr_target_{x}" else x
                for x in hist["target"]],
        field=[t(f"corr_field_{x}") if t(f"corr_field_{x}") != f"corr_field_{x}" else x
               for x in hist["field"]],
    )
    out = hist.rename(columns={
        "correction_id": "#", "target": t("corr_target"),
        "made_at": t("when"), "who": t("who"), "metric_id": t("metric"),
        "breakdown": t("breakdown"), "field": t("field"), "old_value": t("old_value"),
        "new_value": t("new_value"), "why": t("why"),
    })
    st.dataframe(out, hide_index=True)


filters = page_setup("report", "report_title")
with error_boundary():
    raw = url_param("report")
    if raw is None:
        picker(filters)
    else:
        rid = to_int(raw)
        rep = overview.report(get_con(), rid) if rid is not None else None
        if rid is None:
            st.warning(t("invalid_param", param="report", value=md_escape(raw[:80])))
            picker(filters)
        elif rep is None:
            st.warning(t("report_not_found", id=rid))
            picker(filters)
        else:
            st.text(rep.get("title") or "")
            metadata(rep)
            facts_section(rid, rep.get("year"))
            findings_section(rid)
            original_section(rep)
            corrections_section(rid)
