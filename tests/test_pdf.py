"""The patient's PDF plan and the GP letter: real PDFs rendered with the real templates, read back.

Text is read with pypdf (whitespace normalised, membership not order, except where order is the
point); the page header and footer are read from pdfplumber crops of the top and bottom bands.
Each scenario is rendered once per module (a render takes a fraction of a second).
"""

from __future__ import annotations

import io
import logging
import re
from datetime import UTC, date, datetime

import pdfplumber
import pytest
from pypdf import PdfReader

import physio.pdf.plan_sheet as plan_sheet_module
from config import TestingConfig
from physio.app import create_app
from physio.clinical import compare_visits, derive, series
from physio.pdf import (
    DataOnlyURLFetcher,
    PlanDocument,
    RefusedURL,
    css_string,
    dose_words,
    font_config,
    html_to_pdf,
    render_plan_pdf,
    render_referral_letter_pdf,
    warm_up,
)
from physio.plan import PlanItem, apply_edits
from physio.plan.referral_letter import letter_facts
from tests.plan.builders import FEMALE, WEAK_EVERYWHERE, plan_for, record, red_flags

SBST_HIGH = {**{f"sbst_{i}": True for i in range(1, 9)}, "sbst_9": "very_much"}
BUSY = record(
    physical=WEAK_EVERYWHERE,
    running_form={"cadence_spm": 160, "overstriding": "mild", "trunk_lean": "forward_mild"},
    footwear={"shoe_km": 950, "orthotics": "custom"},
    training={"weekly_km_w1": 40, "weekly_km_w2": 30, "weekly_km_w3": 22, "weekly_km_w4": 20},
    pain={"nprs_during_run": 7, "location": ["lumbar_left", "thigh_left"]},
)
EMERGENCY = record(
    **red_flags(ces_saddle="yes", decision="referred_emergency", referred_to="Royal Infirmary ED"),
    physical=WEAK_EVERYWHERE,
    training={"recent_changes": ["volume_up"]},
    pain={"nprs_during_run": 8},
)
URGENT = record(
    **red_flags(non_mechanical_night_pain="yes", thoracic_pain="yes"),
    physical=WEAK_EVERYWHERE,
)


# --- building documents -------------------------------------------------------------------------
def runner_figures(rec: dict) -> dict:
    training = rec.get("training", {})
    keys = ("weekly_km_w1", "weekly_km_w2", "weekly_km_w3", "weekly_km_w4", "runs_per_week")
    return {k: training.get(k) for k in keys}


def document(rec: dict, plan=None, **changes) -> PlanDocument:
    plan = plan or plan_for(rec)
    values = {
        "plan": plan,
        "patient_dob": FEMALE["date_of_birth"],
        "patient_reference": "RR-0042",
        "letter": letter_facts(rec, derive(rec, FEMALE), plan) if plan.referral else None,
        "patient_name": "Jane Runner",
        "patient_first_name": "Jane",
        "clinic_name": "City Physiotherapy",
        "clinic_phone": "020 7946 0000",
        "physio_name": "Sam Okafor",
        "physio_registration": "PH123456",
        "assessment_id": 41,
        "assessment_version": 2,
        "seen_on": date(2025, 3, 3),
        "export_version": 3,
        "exported_at": datetime(2025, 3, 4, 9, 15, tzinfo=UTC),
        "progress": [],
        "series": {},
        "runner": runner_figures(rec),
    }
    values.update(changes)
    return PlanDocument(**values)


def with_progress(rec: dict) -> dict:
    """A review visit: the patient's earlier visit, then ``rec``, with the change and a chart."""
    earlier = record(pain={"nprs_now": 6, "nprs_worst_24h": 8}, physical={"plank_s": 45})
    earlier["seen_at"] = datetime(2025, 2, 3, 10)
    d_earlier, d_later = derive(earlier, FEMALE), derive(rec, FEMALE)
    return {
        "progress": compare_visits(earlier, d_earlier, rec, d_later, skip_missing=True),
        "series": series([(earlier, d_earlier), (rec, d_later)]),
    }


def words(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def bands(data: bytes, height: float = 60) -> list[tuple[str, str]]:
    """(header, footer) text of every page, from the top and bottom bands of the page."""
    found = []
    with pdfplumber.open(io.BytesIO(data)) as doc:
        for page in doc.pages:
            top = page.crop((0, 0, page.width, height)).extract_text() or ""
            bottom = page.crop((0, page.height - height, page.width, page.height)).extract_text()
            found.append((" ".join(top.split()), " ".join((bottom or "").split())))
    return found


# --- fixtures: one app, each scenario rendered once ---------------------------------------------
@pytest.fixture(scope="module")
def pdf_app():
    app = create_app(TestingConfig)
    with app.app_context():
        yield app


@pytest.fixture(scope="module")
def render(pdf_app):
    cache: dict[str, bytes] = {}

    def _render(name: str, rec: dict, plan=None, **changes) -> bytes:
        if name not in cache:
            cache[name] = render_plan_pdf(document(rec, plan, **changes))
        return cache[name]

    return _render


@pytest.fixture(scope="module")
def busy(render) -> bytes:
    return render("busy", BUSY)


@pytest.fixture(scope="module")
def emergency(render) -> bytes:
    return render("emergency", EMERGENCY)


@pytest.fixture(scope="module")
def urgent(render) -> bytes:
    return render("urgent", URGENT)


@pytest.fixture(scope="module")
def plain(render) -> bytes:
    """An unremarkable runner: only the "always" rules fire."""
    return render("plain", record())


# --- rule-driven content: present when triggered, absent when not ---------------------------------
def test_pdf_worn_shoes_at_950_km_say_replace_and_quote_the_km(busy, plain):
    text = words(busy)
    assert "Replace your running shoes now" in text
    assert "950 km" in text and "replace" in text.lower()
    assert "Replace your running shoes now" not in words(plain)
    assert "Your running shoes" not in words(plain)


def test_pdf_cadence_160_with_overstriding_sets_a_168_steps_target(render, busy, plain):
    form = {"cadence_spm": 160, "overstriding": "mild"}
    text = words(render("cadence", record(running_form=form)))
    assert "168 steps/min" in text and "160 steps/min" in text
    assert "Slightly quicker steps" in text
    assert "168" not in words(plain) and "Slightly quicker steps" not in words(plain)
    # One change at a time: on the walk–run plan (BUSY: 7/10 in runs) the step rate waits.
    assert "160 steps/min" in words(busy) and "168 steps/min" not in words(busy)


def test_pdf_thomas_positive_on_the_right_stretches_the_right_hip_only(render):
    data = render("thomas_right", record(physical={"thomas_right": "hip_flexor_short"}))
    text = words(data)
    card = text[text.index("Half-kneeling hip-flexor stretch") :]
    card = card[: card.index("When it gets easy")]
    assert "Right side only" in card and "on your right side only" in card
    assert "left" not in card.lower()
    assert "Half-kneeling hip-flexor stretch" not in words(render("plain", record()))


def test_pdf_start_back_high_prints_at_most_4_exercises(render, busy):
    rec = record(physical=WEAK_EVERYWHERE, outcomes=SBST_HIGH)
    plan = plan_for(rec)
    assert "EDU-PSYCH" in plan.rules_fired
    text = words(render("sbst_high", rec, plan))
    assert text.count("Why this is in your plan:") == len(plan.exercises) <= 4
    assert "Pain, worry and stress" in text
    assert words(busy).count("Why this is in your plan:") == 6


def test_pdf_e_tier_is_an_emergency_referral_sheet_without_any_programme(emergency):
    text = words(emergency)
    # Referred and the hospital told: go there now (not "the nearest emergency department").
    assert "Go to the hospital you have been referred to, now" in text
    assert "Royal Infirmary ED" in text and "nearest emergency department now" not in text
    assert "Do not drive yourself" in text
    assert "Your emergency referral" in text and "What to tell them" in text
    assert "Royal Infirmary ED" in text and "Sam Okafor" in text and "020 7946 0000" in text
    assert "cauda equina syndrome" in text and "Cauda equina warning card" in text
    for banned in (
        "Plank",
        "plank",
        "sets",
        "holds",
        "Walk–run",
        "km a week",
        "Your exercises",
        "plan at a glance",
        "running shoes",
        "Cross-training",
        "Your next review",
    ):
        assert banned not in text, banned


def test_pdf_u_tier_puts_the_referral_before_the_gentle_programme(urgent):
    text = words(urgent)
    referral = text.index("See a doctor within 14 days")
    gentle = text.index("Gentle, until you have been seen")
    assert referral < gentle < text.index("Your plan at a glance") < text.index("Your exercises")
    assert "What to tell them" in text
    # No load increases until seen: the "when it gets easy" progressions are left out.
    assert "When it gets easy" not in text


def test_pdf_referral_names_its_writer_on_one_line_and_the_phone_on_its_own(urgent):
    # WeasyPrint 70 once broke this paragraph after the physio's first name (a long line
    # ending in a bold phone number); the phone now has its own line.
    with pdfplumber.open(io.BytesIO(urgent)) as doc:
        lines = [
            line.strip() for page in doc.pages for line in (page.extract_text() or "").split("\n")
        ]
    writer = lines[lines.index("Who wrote this") + 1]
    assert writer.startswith("Sam Okafor (registration PH123456)")
    assert any(line.startswith("Phone: ") for line in lines[lines.index("Who wrote this") :][:4])


def test_pdf_cauda_equina_card_is_printed_prominently_only_with_leg_symptoms(busy, plain):
    text = words(busy)
    assert "You have leg symptoms. Please read the cauda equina warning card (page" in text
    assert "Cauda equina warning card" in text and "a new need for pads" in text
    assert "Cauda equina warning card" not in words(plain)
    # Every plan has the three safety-net boxes.
    for title in (
        "Seek emergency help now",
        "Contact your doctor the same day",
        "Contact your physiotherapist",
    ):
        assert title in words(plain)


def test_pdf_progress_section_appears_only_at_a_review_with_progress(render, plain):
    rec = record(pain={"nprs_now": 2, "nprs_worst_24h": 3}, physical={"plank_s": 80})
    text = words(render("review", rec, **with_progress(rec)))
    assert "Your progress" in text and "What we measured" in text
    assert "Pain now" in text and "improved" in text
    assert "Your progress" not in words(plain)


def test_pdf_progress_compares_only_measures_taken_at_both_visits(render):
    """A measure taken for the first time (or not taken today) has nothing to compare: it is
    named in a sentence under the table, not given a row of dashes."""
    rec = record(
        pain={"nprs_now": 2, "nprs_worst_24h": 3},
        physical={"plank_s": 80, "side_plank_left_s": 52, "side_plank_right_s": None},
    )
    earlier = record(
        pain={"nprs_now": 6, "nprs_worst_24h": 8},
        physical={"plank_s": 45, "side_plank_left_s": None, "side_plank_right_s": 40},
    )
    earlier["seen_at"] = datetime(2025, 2, 3, 10)
    progress = compare_visits(
        earlier, derive(earlier, FEMALE), rec, derive(rec, FEMALE), skip_missing=True
    )
    text = words(render("review-first-measures", rec, progress=progress))
    assert "Plank hold" in text and "improved" in text
    assert "Measured for the first time today" in text and "Side plank, left 52 s" in text
    assert "Not measured today: Side plank, right (last time 40 s)" in text
    assert "measured once only" not in text
    assert "Side plank, left higher is better" not in text  # no table row (label, then hint)


# --- the sections, the dose, the personal touch ---------------------------------------------------
def test_pdf_sections_follow_the_order_of_the_spec(busy):
    text = words(busy)
    order = [
        "Your plan at a glance",
        "Your exercises",
        "Your running and load plan",
        "Your running shoes",
        "If your pain flares up",
        "Warning signs: when to get help",
        "Your next review",
    ]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)


def test_pdf_is_personal_and_gives_each_dose_in_words(busy):
    text = words(busy)
    assert "Jane, this plan was written for you" in text
    assert "Jane Runner" in text and "3 March 2025" in text
    assert "3 × 30-second holds, 5 days a week" in text  # forearm plank, dose from the test
    assert "Your side plank hold was 25 s on the left and 48 s on the right" in text
    assert "Start with your left side, and do 1 extra set on that side" in text
    assert "You ran 20 km four weeks ago" in text and "about 20 km a week" in text
    assert "Monday 31 March 2025" in text  # review date


def test_pdf_prints_the_physio_note_and_only_included_items(render):
    plan, errors = apply_edits(
        plan_for(BUSY),
        [
            {"code": "plank", "physio_note": "Use a mat for this one."},
            {"code": "curl_up", "included": False},
        ],
    )
    assert not errors
    text = words(render("edited", BUSY, plan))
    assert "A note from your physio: Use a mat for this one." in text
    assert "Curl-up" not in text
    assert "Bird dog" in text


def test_pdf_dose_words_read_like_a_sentence():
    hold = PlanItem(
        code="plank", kind="exercise", title="Plank", reps=4, hold_s=15, days_per_week=5
    )
    assert dose_words(hold) == "4 × 15-second holds, 5 days a week"
    bridge = PlanItem(
        code="single_leg_bridge",
        kind="exercise",
        title="Bridge",
        sets=3,
        reps=10,
        days_per_week=3,
        side="left",
    )
    assert dose_words(bridge) == "3 sets of 10 on each side, 3 days a week"
    stretch = PlanItem(
        code="hip_flexor_stretch",
        kind="exercise",
        title="Stretch",
        reps=2,
        hold_s=30,
        days_per_week=7,
        side="right",
    )
    assert dose_words(stretch) == "2 × 30-second holds on your right side only, every day"


def test_pdf_renders_an_exercise_without_its_picture_when_the_illustration_is_missing(
    pdf_app, monkeypatch
):
    def missing(code, side=None):
        raise KeyError(code)

    monkeypatch.setattr(plan_sheet_module, "illustration_svg", missing)
    physical = {"plank_s": 40, "side_plank_left_s": 25, "side_plank_right_s": 48}
    text = words(render_plan_pdf(document(record(physical=physical))))
    assert "Forearm plank" in text and "Why this is in your plan:" in text


# --- page furniture -------------------------------------------------------------------------------
def test_pdf_header_names_clinic_and_physio_and_footer_traces_the_version(busy):
    pages = bands(busy)
    total = len(pages)
    assert total == page_count(busy) >= 3
    for number, (header, footer) in enumerate(pages, start=1):
        assert "City Physiotherapy" in header
        assert "Sam Okafor" in header and "PH123456" in header
        assert f"Page {number} of {total}" in footer
        assert "Plan version 3" in footer and "Assessment #41" in footer
        # Issue 10 round 2: the visit's date, labelled; never the render date unlabelled.
        assert "Visit 3 Mar 2025" in footer and "4 March 2025" not in footer
    assert "Page 1 of" in pages[0][1]


def test_pdf_header_escapes_quotes_and_markup_in_the_clinic_name(pdf_app):
    name = 'O"Brien </style> Physio \\ Co'
    data = render_plan_pdf(document(record(), clinic_name=name))
    header = bands(data)[0][0]
    assert 'O"Brien </style> Physio \\ Co' in header
    assert css_string('a"b\\c</x>') == '"a\\22 b\\5c c\\3c /x\\3e "'


def test_pdf_metadata_title_names_the_clinic_not_the_patient(busy, emergency):
    # Viewers show the title (DisplayDocTitle): it names the clinic; the patient is on page 1.
    assert PdfReader(io.BytesIO(busy)).metadata.title == "Treatment plan — City Physiotherapy"
    assert (
        PdfReader(io.BytesIO(emergency)).metadata.title == "Emergency referral — City Physiotherapy"
    )
    assert "Jane Runner" not in (PdfReader(io.BytesIO(busy)).metadata.title or "")


# --- robustness and safety ------------------------------------------------------------------------
def test_pdf_renders_without_weasyprint_warnings(pdf_app, caplog):
    # The richest plan (every section, a physio note, progress and its chart) and a letter.
    plan, _ = apply_edits(plan_for(BUSY), [{"code": "plank", "physio_note": "On a mat."}])
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_plan_pdf(document(BUSY, plan, **with_progress(BUSY)))
        render_referral_letter_pdf(document(EMERGENCY))
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_pdf_url_fetcher_refuses_files_and_network_but_embeds_data_urls():
    fetcher = DataOnlyURLFetcher()
    for url in (
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/",
        "ftp://example.com/x",
        "/etc/passwd",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


def test_pdf_a_file_url_in_the_html_is_not_read_into_the_pdf(caplog):
    html = (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body><p>Plan</p>'
        '<img src="file:///etc/passwd" alt=""><object data="file:///etc/passwd"></object>'
        "</body></html>"
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = html_to_pdf(html)
    text = words(data)
    assert "Plan" in text and "root:" not in text
    assert b"root:x" not in data
    assert any("etc/passwd" in r.getMessage() for r in caplog.records)


def test_pdf_font_configuration_is_made_once_and_warm_up_renders_cleanly(pdf_app, caplog):
    assert font_config() is font_config()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        assert warm_up() > 0
    assert caplog.records == []


# --- the referral letter --------------------------------------------------------------------------
def test_pdf_referral_letter_is_one_page_with_findings_tier_decision_and_contact(pdf_app):
    rec = record(
        **red_flags(
            non_mechanical_night_pain="yes",
            thoracic_pain="yes",
            decision="referred_urgent",
            referred_to="Dr Patel, Riverside Surgery",
        )
    )
    data = render_referral_letter_pdf(document(rec))
    assert page_count(data) <= 2  # round 2: timeline, neuro findings and reason added
    text = words(data)
    assert "To Dr Patel, Riverside Surgery" in text
    assert "Night pain unrelieved by changing position" in text and "Thoracic pain" in text
    assert "Tier U" in text and "within 14 days" in text
    assert "Referred urgently, to be seen within 14 days: Dr Patel, Riverside Surgery" in text
    assert "RR-0042" in text and "1 May 1990" in text
    assert "Sam Okafor" in text and "PH123456" in text and "020 7946 0000" in text
    assert "Jane Runner" in text


def test_pdf_referral_letter_for_an_emergency_names_the_concern(pdf_app):
    data = render_referral_letter_pdf(document(EMERGENCY))
    assert page_count(data) <= 2  # round 2: timeline, neuro findings and reason added
    text = words(data)
    assert "Emergency: to be seen today" in text and "Tier E" in text
    assert "I am concerned about possible cauda equina syndrome" in text
    assert "Written cauda equina warning card" in text


def test_pdf_referral_letter_needs_an_e_or_u_tier(pdf_app):
    with pytest.raises(ValueError, match="E or U tier"):
        render_referral_letter_pdf(document(record()))


@pytest.mark.parametrize("scenario", ["busy", "emergency", "urgent", "plain"])
def test_pdf_plans_stay_within_a_sensible_length(request, scenario):
    data = request.getfixturevalue(scenario)
    assert 1 <= page_count(data) <= 10
    assert re.search(r"Page 1 of \d+", bands(data)[0][1])


# --- the sheet's structure comes from the library data --------------------------------------------
def test_pdf_prints_a_new_library_education_item_and_per_side_dose_from_the_library(
    pdf_app, monkeypatch
):
    from dataclasses import replace

    from physio.plan import library

    new_item = library.Intervention(
        code="edu_running_ahead",
        kind="education",
        title="Running ahead of your back",
        purpose="Plans that change one thing at a time are easier to follow.",
        steps=("Change one thing at a time.",),
    )
    monkeypatch.setitem(library.INTERVENTIONS, new_item.code, new_item)
    # plank is done on both sides at once; say it is per side, as the library would
    monkeypatch.setitem(
        library.INTERVENTIONS, "plank", replace(library.INTERVENTIONS["plank"], per_side=True)
    )
    plan = plan_for(
        record(physical={"plank_s": 40, "side_plank_left_s": 25, "side_plank_right_s": 48})
    )
    plan.items.append(
        PlanItem(code=new_item.code, kind="education", title=new_item.title, reason="")
    )
    text = words(render_plan_pdf(document(record(), plan)))
    assert "Understanding your back" in text and "Running ahead of your back" in text
    assert "Change one thing at a time." in text
    assert re.search(r"Forearm plank .*?on each side", text)
