"""The sidebar's agency picker for a province (pages/_ui/state.py: PICKER_LIMIT): above the
limit it lists the selection and the matches of a search field instead of every agency."""
from __future__ import annotations

import pytest

from tests.helpers.pages import run_page


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from pages._ui import state

    monkeypatch.setattr(state, "PICKER_LIMIT", 2)


def test_below_the_limit_every_agency_is_listed(small_db_env) -> None:
    from tests.conftest import AGENCIES

    at = run_page("disclosure")
    assert len(at.multiselect(key="qp_agency").options) == len(AGENCIES)
    assert not [w for w in at.text_input if w.key == "agency_search"]


def test_above_it_the_selection_and_the_search_matches(small_db_env, small_limit) -> None:
    at = run_page("disclosure", agency="甲市商务局")
    box = at.multiselect(key="qp_agency")
    assert box.options == ["甲市商务局"] and box.value == ["甲市商务局"]
    at.text_input(key="agency_search").input("丙市").run()
    assert not at.exception
    box = at.multiselect(key="qp_agency")
    # the selection first and kept; then the first PICKER_LIMIT matches, with a note on the rest
    assert box.value == ["甲市商务局"]
    assert box.options[0] == "甲市商务局" and len(box.options) == 3
    assert all("丙市" in o for o in box.options[1:])
    assert any("只列出前 2 个" in c.value for c in at.sidebar.caption)
    box.select(box.options[1]).run()
    assert not at.exception
    assert at.multiselect(key="qp_agency").value[0] == "甲市商务局"
    assert len(at.multiselect(key="qp_agency").value) == 2
    assert at.query_params["agency"][:1] == ["甲市商务局"]


def test_the_search_finds_english_labels_in_english(small_db_env, small_limit) -> None:
    # the glossary: AppTest's rerun of the English disclosure page fails in AppTest's own
    # widget-state code (the peer selectbox's value), not in the page
    at = run_page("glossary", lang="en")
    at.text_input(key="agency_search").input("finance").run()
    assert at.multiselect(key="qp_agency").options == ["Jia City Finance Bureau · 甲市财政局"]
    at.text_input(key="agency_search").input("zzz").run()
    assert any("No agency name contains" in c.value for c in at.sidebar.caption)


def test_the_agency_profile_picker_searches_too(small_db_env, small_limit) -> None:
    """/agency without an agency: its picker lists no agency until a search names some."""
    at = run_page("agency")
    assert at.selectbox(key="agency_pick").options == ["请选择"]
    at.text_input(key="agency_pick_search").input("丙市").run()
    assert not at.exception
    options = at.selectbox(key="agency_pick").options
    assert len(options) == 3 and all("丙市" in o for o in options[1:])
    assert any("只列出前 2 个" in c.value for c in at.main.caption)
