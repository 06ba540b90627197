"""The upload page through AppTest: upload → preview → confirm → the dashboard sees the new
numbers; viewers never get an uploader; bad files are refused while the page stays usable."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from etl.present import i18n
from etl.store import connection as db
from tests.sheets.test_spreadsheets import export

PAGE = "../../pages/upload.py"
GOOD = ("agency,year,metric_id,breakdown,value\n"
        "戊市商务局,2023,requests.received,,321\n"
        "戊市商务局,2023,disclosure.items,,654\n").encode("utf-8")


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def _submit(at: AppTest, form: str) -> AppTest:
    """Click the submit button of the form whose key starts with ``form``."""
    buttons = [b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}")]
    assert len(buttons) == 1, [b.key for b in at.button]
    return buttons[0].click()


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


@pytest.fixture(autouse=True)
def _no_access_config(monkeypatch):
    for var in ("GONGKAI_ANALYST_KEY", "GONGKAI_ANALYSTS", "GONGKAI_MAX_UPLOAD_MB"):
        monkeypatch.delenv(var, raising=False)


def test_upload_preview_confirm_and_dashboard_shows_it(empty_db_env):
    at = _app()
    assert len(at.file_uploader) == 1  # local machine, nothing configured → analyst
    assert "模板" in at.get("download_button")[0].proto.label  # the template is downloadable
    at.file_uploader[0].upload("..\\..\\tmp/新数据.csv", GOOD, "text/csv")
    at.run()
    assert not at.exception, at.exception
    md = " ".join(_texts(at.markdown))
    assert "新数据.csv" in md and "tmp/" not in md and ".." not in md
    assert any("新增 2" in m for m in _texts(at.markdown))
    assert any("戊市商务局" in w for w in _texts(at.warning))  # a new agency: confirm first
    confirm = at.button(key="gk_confirm")
    assert confirm.disabled
    assert db.cursor().execute("SELECT count(*) FROM facts").fetchone()[0] == 0  # nothing written yet
    at.checkbox(key="gk_agencies_ok_0").check().run()
    assert not at.button(key="gk_confirm").disabled
    at.button(key="gk_confirm").click().run()
    assert not at.exception, at.exception
    assert any("新数据.csv" in s and "报告 1 份" in s for s in _texts(at.success))
    rows = db.cursor().execute(
        "SELECT a.name, f.metric_id, f.value, s.file_name FROM facts f JOIN agencies a USING (agency_id) "
        "JOIN reports r USING (report_id) JOIN sources s USING (source_id) ORDER BY 2").fetchall()
    assert rows == [("戊市商务局", "disclosure.items", 654.0, "新数据.csv"),
                    ("戊市商务局", "requests.received", 321.0, "新数据.csv")]
    # the dashboard's pages now see the new agency and numbers
    ov = AppTest.from_file("../../pages/overview.py", default_timeout=60)
    ov.run()
    assert not ov.exception, ov.exception
    assert "戊市商务局" in ov.multiselect(key="qp_agency").options
    from etl.query import overview as queries

    assert queries.report_count(db.cursor()) == 1
    # the same file again changes nothing
    before = export(db.cursor())
    at2 = _app()
    at2.file_uploader[0].upload("新数据.csv", GOOD, "text/csv")
    at2.run()
    assert any("已导入过" in i for i in _texts(at2.info))
    assert export(db.cursor()) == before


def test_viewer_without_key_never_sees_the_uploader(empty_db_env, monkeypatch):
    monkeypatch.setenv("GONGKAI_ANALYST_KEY", "correct horse")
    at = _app()
    assert len(at.file_uploader) == 0
    assert len(at.get("download_button")) == 0
    at.text_input(key="gk_key_input").input("wrong")
    _submit(at, "gk_key_form").run()
    assert len(at.file_uploader) == 0
    assert any("分析员密钥不正确" in e for e in _texts(at.error))
    at.text_input(key="gk_key_input").input("correct horse")
    _submit(at, "gk_key_form").run()
    assert len(at.file_uploader) == 1
    assert all("correct horse" not in str(v) for v in at.query_params.values())
    assert "correct horse" not in str(dict(at.query_params))


def test_bad_file_refused_page_stays_usable(empty_db_env):
    before = export(db.cursor())
    at = _app()
    at.file_uploader[0].upload("fake.xlsx", b"%PDF-1.4 not a workbook", "application/octet-stream")
    at.file_uploader[0].upload("good.csv", GOOD, "text/csv")
    at.file_uploader[0].upload("empty.csv", b"", "text/csv")
    at.run()
    assert not at.exception, at.exception
    errors = " ".join(_texts(at.error))
    assert "fake.xlsx" in errors and "不是 .xlsx 文件" in errors  # the reason in the view's language
    assert "empty.csv" in errors and "文件为空" in errors
    assert export(db.cursor()) == before
    at.checkbox(key="gk_agencies_ok_1").check().run()
    at.button(key="gk_confirm").click().run()
    assert not at.exception, at.exception
    assert db.cursor().execute("SELECT file_name FROM sources").fetchall() == [("good.csv",)]


def test_oversized_file_refused_by_size(empty_db_env, monkeypatch):
    monkeypatch.setenv("GONGKAI_MAX_UPLOAD_MB", "1")
    before = export(db.cursor())
    at = _app()
    at.file_uploader[0].upload("big.csv", GOOD + b"#" * (1024 * 1024 + 10), "text/csv")
    at.run()
    assert any("big.csv" in e and "文件过大" in e and "每个文件最大 1 MB" in e for e in _texts(at.error))
    assert export(db.cursor()) == before


_ENGLISH = re.compile(r"[A-Za-z]{3,}")
#: what stays in Latin letters in a Chinese message: file names, metric ids, extensions
_KEPT = re.compile(r"[\w/]*\.\w+|\b(?:PDF|DOCX|XLSX|ZIP|CSV|Office|PowerPoint|RTF|xlsx|docx|xls|doc)\b")


def _english_words(text: str) -> list[str]:
    return _ENGLISH.findall(_KEPT.sub("", text))


def test_refusals_and_problems_in_chinese_by_default(empty_db_env):
    """One language per view: the readers' and the validator's English reasons are shown in
    Chinese in the default view, in English with ?lang=en."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # a PowerPoint file renamed to .docx
        z.writestr("ppt/presentation.xml", "<p/>")
    slides = buf.getvalue()
    bad = ("填报机关 (agency),年度 (year),收到 (requests.foo),本年新收 (requests.received)\n"
           "戊市商务局,2023,5,很多\n").encode("utf-8")
    uploads = (("演示.docx", slides), ("损坏.pdf", b"%PDF-1.4\n garbage"), ("有问题.csv", bad))
    at = _app()
    for name, data in uploads:
        at.file_uploader[0].upload(name, data, "application/octet-stream")
    at.run()
    assert not at.exception, at.exception
    errors = _texts(at.error)
    assert any("演示.docx" in e and "不是 docx 文档（压缩包中没有 word/document.xml）" in e for e in errors), errors
    assert any("损坏.pdf" in e and "PDF 已损坏，无法打开" in e for e in errors), errors
    for e in errors:
        assert e.startswith("已拒绝：")
        # only the exception's own text, kept in parentheses, may be English
        assert not _english_words(re.sub(r"（[^（）]*）$", "", e)), e
    problems = at.dataframe[0].value
    messages = list(problems["message"])
    assert any("表头中的指标 'requests.foo' 不在指标列表中" in m for m in messages), messages
    assert any("数值单元格中填的是文字" in m for m in messages), messages
    assert not [m for m in messages if _english_words(m)], messages
    assert set(problems["severity"]) <= {i18n.severity_label(s, "zh") for s in ("error", "warning")}

    en = _app(lang="en")
    for name, data in uploads:
        en.file_uploader[0].upload(name, data, "application/octet-stream")
    en.run()
    assert not en.exception, en.exception
    assert any("Refused: 演示.docx: not a docx document" in e for e in _texts(en.error))
    assert any("unknown metric 'requests.foo' in the header" in m for m in en.dataframe[0].value["message"])


def test_loader_failure_after_confirm_in_chinese(empty_db_env, monkeypatch):
    from etl.sheets.parse import SheetLoad
    from etl.store import loader

    def refuse(path, con, *, only_valid_rows=False, name=None, parsed=None):
        return SheetLoad(name, "0" * 64, "refused", f"{name}: not loaded — no valid rows")

    monkeypatch.setattr(loader, "load_spreadsheet", refuse)
    at = _app()
    at.file_uploader[0].upload("新数据.csv", GOOD, "text/csv")
    at.run()
    at.checkbox(key="gk_agencies_ok_0").check().run()
    at.button(key="gk_confirm").click().run()
    assert not at.exception, at.exception
    assert "未写入：新数据.csv：未写入：没有无错误的行" in _texts(at.error)


def test_rows_with_errors_need_explicit_choice(empty_db_env):
    bad = GOOD + "戊市商务局,2023,requests.granted,,很多\n".encode("utf-8")
    at = _app()
    at.file_uploader[0].upload("mixed.csv", bad, "text/csv")
    at.run()
    assert any("1 个错误" in w or "1 error" in w for w in _texts(at.warning))
    assert len(at.button) == 0 or not any(b.key == "gk_confirm" for b in at.button)
    at.checkbox(key="gk_only_valid_0").check().run()
    at.checkbox(key="gk_agencies_ok_0").check().run()
    at.button(key="gk_confirm").click().run()
    assert not at.exception, at.exception
    assert db.cursor().execute("SELECT count(*) FROM facts").fetchone()[0] == 2


def test_correction_controls_only_for_analysts(small_db_env, tmp_path, monkeypatch):
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(small_db_env, copy)
    monkeypatch.setenv("GONGKAI_DB", str(copy))
    script = """
import streamlit as st
from etl.store import connection as db
from pages._corrections import render_corrections
con = db.cursor()
rid = con.execute("SELECT min(report_id) FROM reports").fetchone()[0]
render_corrections(rid, con)
st.write("end")
"""
    monkeypatch.setenv("GONGKAI_ANALYST_KEY", "k")
    viewer = AppTest.from_string(script, default_timeout=60)
    viewer.run()
    assert not viewer.exception, viewer.exception
    assert len(viewer.expander) == 0 and len(viewer.text_input) == 0 and len(viewer.button) == 0
    monkeypatch.delenv("GONGKAI_ANALYST_KEY")
    analyst = AppTest.from_string(script, default_timeout=60)
    analyst.run()
    assert not analyst.exception, analyst.exception
    assert len(analyst.expander) == 1
    rid = db.cursor().execute("SELECT min(report_id) FROM reports").fetchone()[0]
    metric = analyst.selectbox[0].value
    analyst.text_input[0].input("tester")  # who
    analyst.text_input[2].input("99")  # new value (after breakdown)
    analyst.text_input[3].input("checked the PDF")
    _submit(analyst, "gk_fact_").run()
    assert not analyst.exception, analyst.exception
    assert any("#" in s for s in _texts(analyst.success))
    row = db.cursor().execute(
        "SELECT value, origin FROM facts WHERE report_id = ? AND metric_id = ? AND breakdown = ''",
        [rid, metric]).fetchone()
    assert row == (99.0, "corrected")
    who = db.cursor().execute("SELECT who, why FROM corrections ORDER BY correction_id DESC LIMIT 1").fetchone()
    assert who == ("tester", "checked the PDF")


def test_report_file_upload_goes_through_the_loader(empty_db_env):
    from pathlib import Path

    seeds = sorted((Path(__file__).resolve().parents[3] / "shared" / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("seed document not available")
    at = _app()
    at.file_uploader[0].upload("汇编.txt", seeds[0].read_bytes(), "text/plain")
    at.run()
    assert not at.exception, at.exception
    assert any("报告 5 份" in m for m in _texts(at.markdown))
    assert db.cursor().execute("SELECT count(*) FROM reports").fetchone()[0] == 0
    at.checkbox(key="gk_agencies_ok_0").check().run()
    at.button(key="gk_confirm").click().run()
    assert not at.exception, at.exception
    assert db.cursor().execute("SELECT file_name, origin FROM sources").fetchall() == [("汇编.txt", "uploaded")]
    assert db.cursor().execute("SELECT count(*) FROM reports").fetchone()[0] == 5


def test_oidc_configured_viewer_must_sign_in(empty_db_env):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                          "client_id": "id", "client_secret": "s",
                          "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
    at.secrets["gongkai"] = {"analysts": ["ana@example.org"]}
    at.run()
    assert not at.exception, at.exception
    assert len(at.file_uploader) == 0  # not signed in: a viewer, even on the local machine
    assert any("请登录" in i.value for i in at.info)
    assert any(b.key == "gk_login" for b in at.button)


def test_analyst_key_from_secrets(empty_db_env):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.secrets["gongkai"] = {"analyst_key": "from-secrets"}
    at.run()
    assert len(at.file_uploader) == 0
    at.text_input(key="gk_key_input").input("from-secrets")
    _submit(at, "gk_key_form").run()
    assert not at.exception, at.exception
    assert len(at.file_uploader) == 1


def test_correct_year_and_merge_through_the_controls(small_db_env, tmp_path, monkeypatch):
    import shutil

    copy = tmp_path / "copy2.duckdb"
    shutil.copy(small_db_env, copy)
    monkeypatch.setenv("GONGKAI_DB", str(copy))
    con = db.cursor()
    rid = con.execute("SELECT r.report_id FROM reports r JOIN agencies a USING (agency_id) "
                      "WHERE a.name = '甲市财政局' AND r.year = 2019").fetchone()[0]
    at = AppTest.from_string(f"""
from etl.store import connection as db
from pages._corrections import render_corrections
render_corrections({rid}, db.cursor())
""", default_timeout=60)
    at.run()
    at.text_input(key=f"gk_who_{rid}").input("tester")
    at.number_input[0].set_value(2018)
    at.text_input(key=f"gk_why_year_{rid}").input("cover page says 2018")
    _submit(at, f"gk_year_{rid}").run()
    assert not at.exception, at.exception
    assert db.cursor().execute("SELECT year FROM reports WHERE report_id = ?", [rid]).fetchone()[0] == 2018
    at.selectbox[1].set_value("甲市财政局")
    at.selectbox[2].set_value("甲市商务局")
    at.text_input(key=f"gk_why_merge_{rid}").input("one agency")
    _submit(at, f"gk_merge_{rid}").run()
    assert not at.exception, at.exception
    assert db.cursor().execute("SELECT count(*) FROM agencies WHERE name = '甲市财政局'").fetchone()[0] == 0
    rows = db.cursor().execute("SELECT field, old_value, new_value, who FROM corrections "
                               "WHERE who = 'tester' ORDER BY correction_id").fetchall()
    assert rows == [("year", "2019", "2018", "tester"), ("merge", "甲市财政局", "甲市商务局", "tester")]
