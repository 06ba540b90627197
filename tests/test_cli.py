"""``python -m etl``: help for every command, README in step, extract/load/export behaviour."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from etl import cli
from etl.store import loader
from etl.store import database as store
from etl.model import Evidence, Fact, Finding, InputError, Report

ROOT = Path(__file__).resolve().parent.parent


def fake_extract(path: Path) -> list[Report]:
    text = Path(path).read_text(encoding="utf-8")
    if text == "CORRUPT":
        raise InputError(Path(path).name, "not a report", "page 1")
    agency, year, items = text.split(",")
    return [Report(source="ignored", position=1, title=f"{agency}{year}年报告", agency=agency,
                   printed_agency=agency, year=int(year), kind="disclosure_report",
                   form="narrative",
                   facts=[Fact("disclosure.items", float(items),
                               evidence=Evidence(f"共{items}条", offset=3))],
                   findings=[Finding("demo", "info", "说明")])]


@pytest.fixture()
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_DB", str(tmp_path / "g.duckdb"))
    monkeypatch.setenv("GONGKAI_ARCHIVE", str(tmp_path / "archive"))
    monkeypatch.setattr(loader, "_default_extractor", lambda: fake_extract)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("甲局,2020,120", encoding="utf-8")
    (folder / "b.txt").write_text("=乙局,2021,7", encoding="utf-8")
    return tmp_path, folder


def test_every_command_has_help(capsys):
    names = cli.command_names()
    assert {"extract", "load", "export", "demo", "synth", "bench", "check-archive"} <= set(names)
    for name in [*names, None]:
        with pytest.raises(SystemExit) as ex:
            cli.main([name, "--help"] if name else ["--help"])
        assert ex.value.code == 0
        out = capsys.readouterr().out
        assert "usage: python -m etl" in out


def test_help_works_in_a_fresh_process():
    r = subprocess.run([sys.executable, "-m", "etl", "load", "--help"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "--wait" in r.stdout


def test_every_command_is_documented_in_readme():
    """README.md must mention each command as `python -m etl <command>` (e.g. in a table)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"python -m etl ([a-z][a-z-]*)", readme))
    missing = [c for c in cli.command_names() if c not in documented]
    assert not missing, f"commands not documented in README.md: {missing}"


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as ex:
        cli.main(["load"])
    assert ex.value.code == 2
    with pytest.raises(SystemExit) as ex:
        cli.main(["frobnicate"])
    assert ex.value.code == 2


def test_extract_json_shape_and_stability(env, capsys):
    tmp, folder = env
    rc = cli.main(["extract", str(folder / "a.txt"), "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out == [{
        "source": str(folder / "a.txt"), "position": 1, "title": "甲局2020年报告", "agency": "甲局",
        "printed_agency": "甲局", "year": 2020, "kind": "disclosure_report", "form": "narrative",
        "published": None,
        "facts": [{"metric": "disclosure.items", "breakdown": "", "value": 120, "unit": "count",
                   "approx": False, "evidence": {"raw_text": "共120条", "offset": 3}}],
        "findings": [{"rule": "demo", "severity": "info", "message": "说明"}],
    }]
    assert not (tmp / "g.duckdb").exists()  # extract never touches the database


def test_extract_unreadable_file_exits_1_and_prints_the_others(env, capsys):
    tmp, folder = env
    (folder / "c.txt").write_text("CORRUPT", encoding="utf-8")
    rc = cli.main(["extract", str(folder), "--json"])
    captured = capsys.readouterr()
    assert rc == 1
    assert [r["agency"] for r in json.loads(captured.out)] == ["甲局", "=乙局"]
    assert "c.txt" in captured.err and "not a report" in captured.err


def test_extract_table_summary_prints_document_text_verbatim(env, capsys):
    tmp, folder = env
    (folder / "m.txt").write_text("[bold]局,2020,1", encoding="utf-8")
    assert cli.main(["extract", str(folder / "m.txt")]) == 0
    assert "[bold]" in capsys.readouterr().out


def test_load_then_reload_then_export(env, capsys):
    tmp, folder = env
    (folder / "c.txt").write_text("CORRUPT", encoding="utf-8")
    db = tmp / "other.duckdb"
    rc = cli.main(["load", str(folder), "--db", str(db)])
    captured = capsys.readouterr()
    assert rc == 1  # one file failed
    assert "c.txt" in captured.err and "2 loaded, 0 unchanged, 1 failed" in captured.err
    (folder / "c.txt").unlink()
    rc = cli.main(["load", str(folder), "--db", str(db), "--json"])
    res = json.loads(capsys.readouterr().out)
    assert rc == 0 and res["unchanged"] == 2 and res["loaded"] == 0
    out = tmp / "x.csv"
    assert cli.main(["export", "--out", str(out), "--db", str(db), "--year-from", "2021"]) == 0
    df = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert df.to_dict("records") == [{"agency": "'=乙局", "year": 2021, "metric": "disclosure.items",
                                      "breakdown": "", "value": 7, "unit": "count",
                                      "kind": "disclosure_report", "source": "b.txt"}]
    assert cli.main(["export", "--out", str(tmp / "x.parquet"), "--db", str(db),
                     "--agency", "甲局"]) == 0
    assert pd.read_parquet(tmp / "x.parquet")["value"].tolist() == [120.0]
    assert cli.main(["check-archive", "--db", str(db)]) == 0


def test_export_errors(env, capsys):
    tmp, folder = env
    assert cli.main(["export", "--out", str(tmp / "x.json")]) == 2
    assert cli.main(["export", "--out", str(tmp / "x.csv"), "--db", str(tmp / "none.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "unsupported format" in err and "no database" in err
    assert not (tmp / "none.duckdb").exists()


def test_demo_synth_bench_refuse_a_locked_database(tmp_path, capsys):
    db = tmp_path / "held.duckdb"
    store.connect(db).close()
    proc = subprocess.Popen([sys.executable, "-c",
                             "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('R', flush=True); time.sleep(60)",
                             str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "R"
        for argv in (["demo", "--force"], ["synth", "--agencies", "3"], ["bench"]):
            assert cli.main([*argv, "--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert f"pid {proc.pid}" in err and "nothing was written" in err
    finally:
        proc.kill()
        proc.wait()
    assert db.exists()  # synth would have deleted the file under the holder


def test_extract_reads_spreadsheets_without_a_database(env, capsys):
    tmp, folder = env
    csv = tmp / "upload.csv"
    csv.write_text("agency,year,metric_id,breakdown,value\n甲市商务局,2021,requests.received,,12\n",
                   encoding="utf-8")
    assert cli.main(["extract", str(csv), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(r["agency"], r["year"], [(f["metric"], f["value"]) for f in r["facts"]]) for r in out] == [
        ("甲市商务局", 2021, [("requests.received", 12)])]
    assert out[0]["source"] == str(csv)
    assert not (tmp / "g.duckdb").exists()


def test_progress_helpers():
    from etl.progress import make_counter, rich_progress

    calls = []
    step = make_counter(lambda d, t, label: calls.append((d, t, label)), 2)
    step("a")
    step("b")
    assert calls == [(0, 2, ""), (1, 2, "a"), (2, 2, "b")]
    make_counter(None, 1)("x")  # no callable: silently nothing
    with rich_progress("x", enabled=False) as p:
        p(1, 2, "y")
    with rich_progress("loading", enabled=True) as p:  # draws on stderr; must not raise
        p(0, 2, "")
        p(2, 2, "a very long label " * 5)
