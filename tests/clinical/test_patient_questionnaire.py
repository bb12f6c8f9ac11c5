"""The patient's questionnaire pages as pure data (physio/clinical/patient_questionnaire.py):
contract field names, licensed wording only where allowed, and reading one page's posted values."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from physio.clinical import patient_questionnaire as pq
from physio.clinical.scoring import RMDQ_ITEMS, SBST_ITEMS

CONTRACT = set((Path(__file__).parents[1] / "data" / "fields.txt").read_text().split())
ODI = [[f"Heading {s}", *(f"Statement {s}.{n}" for n in range(6))] for s in range(1, 11)]


def read(page, data: dict):
    posted = MultiDict()
    for name, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            posted.add(name, one)
    return pq.read_page(page, posted.getlist)


def test_every_page_posts_only_names_of_the_assessment_contract():
    pages = pq.build_pages(pq.INSTRUMENTS, ["Long run"], ODI)
    names = [name for page in pages for name in page.field_names()]
    assert set(names) <= CONTRACT
    assert {"pain-nprs_now", "outcomes-rmdq_24", "outcomes-psfs-4-score", "outcomes-sbst_9"} <= set(
        names
    )
    assert len(names) == len(set(names))  # every question asked once
    keys = [p.key for p in pages]
    assert len(keys) == len(set(keys)) and "check" not in keys


def test_pages_follow_the_instruments_asked_for():
    keys = [p.key for p in pq.build_pages(["psfs", "nprs"])]
    assert keys == ["pain-now", "pain-24h", "pain-running", "psfs"]
    assert [p.key for p in pq.build_pages(["rmdq"])] == ["rmdq-1", "rmdq-2", "rmdq-3", "rmdq-4"]
    assert pq.build_pages(["odi"]) == []  # no licensed wording, no ODI pages
    assert pq.build_pages(["odi"], odi_statements=[["too", "short"]]) == []


def test_licensed_instruments_are_offered_only_when_switched_on():
    assert pq.available_instruments(sbst=False, odi=False, odi_loaded=False) == [
        "nprs",
        "rmdq",
        "psfs",
    ]
    assert "sbst" in pq.available_instruments(sbst=True, odi=False, odi_loaded=False)
    assert "odi" not in pq.available_instruments(sbst=False, odi=True, odi_loaded=False)
    assert "odi" in pq.available_instruments(sbst=False, odi=True, odi_loaded=True)


def test_published_wording_is_shown_unmodified():
    pages = pq.build_pages(["rmdq", "sbst"])
    texts = [q.text for p in pages for q in p.questions]
    assert texts[:24] == list(RMDQ_ITEMS)
    assert texts[24:] == list(SBST_ITEMS)


def test_a_tick_page_reads_ticks_and_ignores_names_it_does_not_ask():
    page = pq.build_pages(["rmdq"])[0]
    answers, errors = read(
        page,
        {
            "outcomes-rmdq_2": "y",
            "outcomes-rmdq_24": "y",  # on another page
            "pain-nprs_now": "9",  # not on this page
            "outcomes-psfs-0-activity": "x",
        },
    )
    assert errors == {}
    assert set(answers) == {f"outcomes-rmdq_{n}" for n in range(1, 7)}
    assert answers["outcomes-rmdq_2"] is True and answers["outcomes-rmdq_1"] is False


def test_scales_need_a_whole_number_from_0_to_10_and_best_not_above_worst():
    now, day, running = pq.build_pages(["nprs"])
    assert read(now, {"pain-nprs_now": "10"}) == ({"pain-nprs_now": 10}, {})
    for bad in ("11", "-1", "4.5", "٣", "1e1", " "):
        answers, errors = read(now, {"pain-nprs_now": bad})
        assert "pain-nprs_now" in errors and answers["pain-nprs_now"] is None
    _, errors = read(day, {"pain-nprs_best_24h": "6", "pain-nprs_worst_24h": "2"})
    assert "can't be higher" in errors["pain-nprs_best_24h"]
    assert read(running, {}) == ({"pain-nprs_during_run": None, "pain-nprs_next_morning": None}, {})


def test_psfs_rerates_the_previous_activities_without_renaming_them():
    page = pq.build_pages(["psfs"], ["Long run", "Sitting"])[0]
    answers, errors = read(
        page,
        {
            "outcomes-psfs-0-activity": "Something else",
            "outcomes-psfs-0-score": "4",
            "outcomes-psfs-1-score": "7",
            "outcomes-psfs-2-activity": "  Hills   uphill ",
            "outcomes-psfs-2-score": "2",
        },
    )
    assert errors == {}
    assert pq.record_sections(answers)["outcomes"]["psfs"] == [
        {"activity": "Long run", "score": 4},
        {"activity": "Sitting", "score": 7},
        {"activity": "Hills uphill", "score": 2},
    ]
    _, errors = read(page, {"outcomes-psfs-0-score": "4"})
    assert "outcomes-psfs-1-score" in errors  # a previous activity must be re-rated
    _, errors = read(pq.build_pages(["psfs"])[0], {})
    assert "Name at least one activity" in errors["outcomes-psfs-0-activity"]


def test_start_back_agree_disagree_and_item_9():
    one, _, nine = pq.build_pages(["sbst"])
    answers, errors = read(
        one,
        {"outcomes-sbst_1": "y", "outcomes-sbst_2": "n", "outcomes-sbst_3": "y"},
    )
    assert errors == {"outcomes-sbst_4": "Choose agree or disagree."}
    assert answers["outcomes-sbst_1"] is True and answers["outcomes-sbst_2"] is False
    assert read(nine, {"outcomes-sbst_9": "very_much"})[0] == {"outcomes-sbst_9": "very_much"}
    assert "outcomes-sbst_9" in read(nine, {"outcomes-sbst_9": "hugely"})[1]


def test_odi_statements_and_not_applicable():
    page = pq.build_pages(["odi"], odi_statements=ODI)[7]
    assert page.key == "odi-8" and page.questions[0].choices[5] == ("5", "Statement 8.5")
    assert read(page, {"outcomes-odi_8": "na"}) == ({"outcomes-odi_8": None}, {})
    assert read(page, {"outcomes-odi_8": "3"}) == ({"outcomes-odi_8": 3}, {})
    assert "outcomes-odi_8" in read(page, {"outcomes-odi_8": "6"})[1]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("\n\n".join("\n".join(s) for s in ODI), None),
        ("\n\n".join("\n".join(s) for s in ODI[:9]), "Found 9 sections"),
        ("\n\n".join("\n".join(s[:6]) for s in ODI), "has 5 statements"),
    ],
)
def test_the_clinics_odi_wording_is_checked(text, problem):
    sections, message = pq.parse_odi_statements(text)
    if problem is None:
        assert message is None and sections == ODI and pq.valid_odi_statements(sections)
    else:
        assert sections is None and problem in message


ALL_PAGES = pq.build_pages(pq.INSTRUMENTS, ["Long run"], ODI)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(ALL_PAGES),
    st.dictionaries(
        st.one_of(st.sampled_from(sorted(CONTRACT)), st.text(max_size=20)),
        st.lists(st.one_of(st.text(max_size=30), st.sampled_from(["y", "n", "na", "10", "0"]))),
        max_size=12,
    ),
)
def test_any_posted_values_give_answers_for_that_page_only(page, posted):
    answers, errors = read(page, posted)
    assert set(answers) <= set(page.field_names())
    assert set(errors) <= set(page.field_names())
    for value in answers.values():
        assert value is None or isinstance(value, bool | int | str)
        if isinstance(value, str):
            assert len(value) <= pq.ACTIVITY_MAX_LENGTH and "\x00" not in value
