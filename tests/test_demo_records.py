"""The demo assessments (physio/demo_records.py): valid records, signable, and every plan rule.

Pure: no app, no database. The patient context comes from physio.demo.PATIENTS.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from physio.clinical import decision_issues, derive
from physio.clinical.schema import PSFS_ENTRIES, SECTIONS, SECTIONS_BY_NAME
from physio.demo import PATIENTS
from physio.demo_records import DEMO_TODAY, DEMO_VISITS, records_for_seed
from physio.plan import RULES_BY_ID, PlanContext, build_plan

LONDON = ZoneInfo("Europe/London")
TODAY = date.today()
RULE_IDS = (
    "RED-E",
    "RED-U",
    "SAFETY",
    "CES-INFO",
    "EDU-CORE",
    "EDU-PSYCH",
    "LOAD-SPIKE",
    "RUN-PAIN",
    "PAIN-MONITOR",
    "XTRAIN",
    "CORE-ENDURANCE",
    "HIP-CONTROL",
    "HIP-FLEXOR",
    "HAMSTRING",
    "NEURAL-CARE",
    "MOBILITY",
    "CADENCE",
    "POSTURE",
    "SHOE-REPLACE",
    "SHOE-CHECK",
    "SHOE-DROP",
    "NO-ORTHOTICS",
    "WARM-UP",
    "SURFACE",
    "LIFESTYLE",
    "REVIEW",
)
PATIENT_BY_REF = {
    ref: {"date_of_birth": dob, "sex": sex}
    for _first, _last, dob, sex, _email, _phone, ref in PATIENTS
}
PHYSIOS = {"sam": "Sam Patel", "jo": "Jo Lindqvist"}
# Days of seeding to try: the stories must hold whenever the demo is loaded.
SEED_DAYS = (TODAY, DEMO_TODAY, TODAY + timedelta(days=400), date(2030, 2, 28))


def seeded(today: date = TODAY):
    return records_for_seed(today)


def signed(today: date = TODAY):
    return [(v, r) for v, r in seeded(today) if v.sign]


def patient(visit):
    return PATIENT_BY_REF[visit.patient_reference]


def where(visit) -> str:
    return f"{visit.patient_reference} {visit.kind} ({visit.days_ago} days ago)"


def decimals(value) -> int:
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return max(0, -exponent)


def field_problems(record: dict) -> list[str]:
    """Every name, type, choice or range in ``record`` that the schema would not accept."""
    problems = []
    extra = (
        set(record) - set(SECTIONS_BY_NAME) - {"kind", "seen_at", "copy_forward", "not_assessed"}
    )
    problems += [f"unknown section {name}" for name in extra]
    for section in SECTIONS:
        values = record.get(section.name)
        if not isinstance(values, dict):
            problems.append(f"{section.name}: missing")
            continue
        known = {f.name for f in section.fields}
        if section.name == "outcomes":
            known.add("psfs")
        if section.name == "pain":
            known.add("body_chart")
        problems += [f"unknown field {section.name}-{k}" for k in set(values) - known]
        for f in section.fields:
            value = values.get(f.name)
            name = f"{section.name}-{f.name}"
            if f.kind == "multi":
                if not isinstance(value, list):
                    problems.append(f"{name}: a multi field must be a list, got {value!r}")
                    continue
                allowed = {v for v, _ in f.choices}
                problems += [f"{name}: {v!r} is not a choice" for v in value if v not in allowed]
                if len(set(value)) != len(value):
                    problems.append(f"{name}: repeated values")
                continue
            if value is None:
                continue
            if f.kind == "int":
                if type(value) is not int or not f.min <= value <= f.max:
                    problems.append(f"{name}: {value!r} is not a whole number {f.min}–{f.max}")
            elif f.kind == "decimal":
                if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
                    problems.append(f"{name}: {value!r} is not a number")
                elif not f.min <= Decimal(str(value)) <= f.max or decimals(value) > f.places:
                    problems.append(
                        f"{name}: {value!r} outside {f.min}–{f.max} ({f.places} decimals)"
                    )
            elif f.kind == "bool":
                if not isinstance(value, bool):
                    problems.append(f"{name}: {value!r} is not a bool")
            elif f.kind in ("text", "longtext"):
                if not isinstance(value, str) or not value.strip():
                    problems.append(f"{name}: {value!r} is not text")
                elif f.max_length and len(value) > f.max_length:
                    problems.append(f"{name}: longer than {f.max_length}")
            elif f.kind == "date":
                if type(value) is not date:
                    problems.append(f"{name}: {value!r} is not a date")
            elif f.kind in ("enum", "tri"):
                if value not in {v for v, _ in f.choices}:
                    problems.append(f"{name}: {value!r} is not a choice")
            else:  # pragma: no cover - a new kind in the schema
                problems.append(f"{name}: unchecked kind {f.kind}")
    psfs = (record.get("outcomes") or {}).get("psfs")
    if not isinstance(psfs, list) or len(psfs) > PSFS_ENTRIES:
        problems.append(f"outcomes-psfs: {psfs!r}")
    else:
        for row in psfs:
            if set(row) != {"activity", "score"}:
                problems.append(f"outcomes-psfs: keys {sorted(row)}")
            activity, score = row.get("activity"), row.get("score")
            if not isinstance(activity, str) or not activity.strip() or len(activity) > 200:
                problems.append(f"outcomes-psfs: activity {activity!r}")
            if score is not None and (type(score) is not int or not 0 <= score <= 10):
                problems.append(f"outcomes-psfs: score {score!r}")
    return problems


def sign_problems(visit, record: dict) -> list[str]:
    """What the assessment service would refuse at signing (without the database)."""
    problems = []
    for section in SECTIONS:
        for f in section.fields:
            value = record[section.name].get(f.name)
            if f.required and value in (None, "", []):
                problems.append(f"{section.name}-{f.name} required")
    pain = record["pain"]
    if None not in (pain["nprs_best_24h"], pain["nprs_worst_24h"]) and (
        pain["nprs_best_24h"] > pain["nprs_worst_24h"]
    ):
        problems.append("best pain above worst pain")
    training = record["training"]
    if (training.get("runs_per_week") or 0) > 0:
        problems += [
            f"training-weekly_km_w{i} required"
            for i in range(1, 5)
            if training.get(f"weekly_km_w{i}") is None
        ]
    derived = derive(record, patient(visit))
    if visit.kind == "initial":
        problems += [f"red_flags-{name} unanswered" for name in derived.red_flags.unanswered]
    problems += [
        f"red_flags-{name}: {message}"
        for name, message in decision_issues(record, derived.red_flags)
    ]
    return problems


def plan_for(visit, record: dict, today: date = TODAY):
    context = PlanContext(
        today=today,
        physio_name=PHYSIOS[visit.physio],
        clinic_name="Riverside Running Physio",
        clinic_phone="020 7946 0000",
    )
    return build_plan(record, patient(visit), derive(record, patient(visit)), context)


# --- shape ------------------------------------------------------------------------------------
def test_every_visit_names_a_demo_patient_a_kind_and_a_physio():
    assert DEMO_VISITS
    for visit in DEMO_VISITS:
        assert visit.patient_reference in PATIENT_BY_REF, where(visit)
        assert visit.kind in ("initial", "review"), where(visit)
        assert visit.physio in PHYSIOS, where(visit)
        assert isinstance(visit.days_ago, int) and visit.days_ago >= 0, where(visit)
        assert isinstance(visit.sign, bool)
    assert {v.patient_reference for v in DEMO_VISITS} == set(PATIENT_BY_REF)


@pytest.mark.parametrize("today", SEED_DAYS)
def test_every_record_uses_only_schema_names_choices_and_ranges(today):
    for visit, record in seeded(today):
        assert field_problems(record) == [], where(visit)


def test_records_for_seed_fills_kind_and_an_aware_london_seen_at():
    now = datetime.now(LONDON)
    for visit, record in seeded():
        assert record["kind"] == visit.kind
        seen = record["seen_at"]
        assert isinstance(seen, datetime) and seen.tzinfo is not None, where(visit)
        assert seen.utcoffset() == seen.astimezone(LONDON).utcoffset()
        assert seen.date() == TODAY - timedelta(days=visit.days_ago), where(visit)
        assert seen <= now + timedelta(seconds=1), f"{where(visit)} is in the future"
        if visit.days_ago:
            assert time(8, 0) <= seen.timetz().replace(tzinfo=None) <= time(19, 30), where(visit)


def test_records_for_seed_orders_oldest_first_and_returns_fresh_copies():
    pairs = seeded()
    assert [r["seen_at"] for _, r in pairs] == sorted(r["seen_at"] for _, r in pairs)
    assert len(pairs) == len(DEMO_VISITS)
    visit, record = pairs[0]
    record["pain"]["location"].append("thoracic")
    assert "thoracic" not in visit.record["pain"]["location"]
    assert visit.record["seen_at"] is None


def test_a_visit_due_later_today_is_placed_at_the_current_minute():
    early = datetime.combine(TODAY, time(7, 26, 41), tzinfo=LONDON)
    for visit, record in records_for_seed(TODAY, now=early):
        if visit.days_ago == 0:
            assert record["seen_at"] == early.replace(second=0)
        assert record["seen_at"] <= early


@pytest.mark.parametrize("today", SEED_DAYS)
def test_dates_move_with_the_visits_and_onset_is_never_after_the_visit(today):
    shift = today - DEMO_TODAY
    for visit, record in seeded(today):
        onset = record["history"]["onset_date"]
        if onset is not None:
            assert onset <= record["seen_at"].date(), where(visit)
            assert onset - shift == visit.record["history"]["onset_date"]
        event = record["training"]["target_event_date"]
        if event is not None:
            assert event >= record["seen_at"].date(), where(visit)


def test_best_pain_is_never_above_worst_pain():
    for visit, record in seeded():
        pain = record["pain"]
        if pain["nprs_best_24h"] is not None and pain["nprs_worst_24h"] is not None:
            assert pain["nprs_best_24h"] <= pain["nprs_worst_24h"], where(visit)


# --- signing ----------------------------------------------------------------------------------
@pytest.mark.parametrize("today", SEED_DAYS)
def test_signed_visits_have_everything_needed_to_sign(today):
    for visit, record in signed(today):
        assert sign_problems(visit, record) == [], where(visit)


def test_initial_visits_answer_all_twenty_red_flags():
    tri = [f.name for f in SECTIONS_BY_NAME["red_flags"].fields if f.kind == "tri"]
    assert len(tri) == 20
    for visit, record in signed():
        if visit.kind == "initial":
            answers = [record["red_flags"][name] for name in tri]
            assert set(answers) <= {"yes", "no", "not_asked"}, where(visit)


def test_there_is_exactly_one_unsigned_draft_and_it_is_not_ready_to_sign():
    drafts = [(v, r) for v, r in seeded() if not v.sign]
    assert len(drafts) == 1
    visit, record = drafts[0]
    assert visit.days_ago == 0
    assert record["history"]["presenting_complaint"]
    assert sign_problems(visit, record), "the draft should still be incomplete"


# --- clinical stories -------------------------------------------------------------------------
@pytest.mark.parametrize("today", SEED_DAYS)
def test_signed_visits_together_fire_every_plan_rule(today):
    assert set(RULE_IDS) == set(RULES_BY_ID)
    fired_by = defaultdict(list)
    for visit, record in signed(today):
        for rule_id in plan_for(visit, record, today).rules_fired:
            fired_by[rule_id].append(where(visit))
    missing = [rule_id for rule_id in RULE_IDS if rule_id not in fired_by]
    assert missing == []


def test_one_emergency_and_one_urgent_case_with_their_referral_decisions():
    tiers = defaultdict(list)
    for visit, record in signed():
        tier = derive(record, patient(visit)).red_flags.tier
        tiers[tier].append((visit, record))
    assert len(tiers["E"]) == 1 and len(tiers["U"]) == 1
    (e_visit, e_record), (u_visit, u_record) = tiers["E"][0], tiers["U"][0]
    assert e_record["red_flags"]["decision"] == "referred_emergency"
    assert u_record["red_flags"]["decision"] == "referred_urgent"
    e_plan = plan_for(e_visit, e_record)
    assert e_plan.emergency and "RED-E" in e_plan.rules_fired
    assert not [
        i for i in e_plan.items if i.kind in ("exercise", "running", "load", "cross_training")
    ]
    assert {"ces_bladder", "ces_saddle"} <= {
        name for name, _ in derive(e_record, patient(e_visit)).red_flags.positives
    }
    u_plan = plan_for(u_visit, u_record)
    assert u_plan.items[0].kind == "referral" and "RED-U" in u_plan.rules_fired
    assert u_record["impression"]["working_diagnosis"] == "suspected_bone_stress"
    assert PATIENT_BY_REF[u_visit.patient_reference]["sex"] == "female"


def test_reviews_come_after_the_patients_initial_visit_and_rerate_the_same_activities():
    by_patient = defaultdict(list)
    for visit, record in seeded():
        by_patient[visit.patient_reference].append((visit, record))
    with_reviews = 0
    for ref, visits in by_patient.items():
        initials = [(v, r) for v, r in visits if v.kind == "initial"]
        assert len(initials) == 1, ref
        first_seen = initials[0][1]["seen_at"]
        activities = [row["activity"] for row in initials[0][1]["outcomes"]["psfs"]]
        reviews = [(v, r) for v, r in visits if v.kind == "review"]
        for visit, record in reviews:
            assert record["seen_at"] > first_seen, where(visit)
            assert visit.sign
            assert [row["activity"] for row in record["outcomes"]["psfs"]] == activities
        with_reviews += bool(reviews)
    assert with_reviews >= 4


def test_reviews_show_believable_progress():
    by_patient = defaultdict(list)
    for visit, record in signed():
        by_patient[visit.patient_reference].append((visit, record))
    for ref, visits in by_patient.items():
        if len(visits) < 2:
            continue
        (first_visit, first), (_, last) = visits[0], visits[-1]
        d_first, d_last = (derive(r, patient(first_visit)) for r in (first, last))
        assert last["pain"]["nprs_now"] < first["pain"]["nprs_now"], ref
        assert last["pain"]["nprs_worst_24h"] < first["pain"]["nprs_worst_24h"], ref
        assert d_last.rmdq < d_first.rmdq, ref
        assert d_last.psfs_mean - d_first.psfs_mean >= 2, ref
        if first["physical"]["plank_s"] and last["physical"]["plank_s"]:
            assert last["physical"]["plank_s"] > first["physical"]["plank_s"], ref


def test_the_showcase_findings_are_there():
    records = [(v, r) for v, r in signed()]

    def any_record(check) -> bool:
        return any(check(v, r) for v, r in records)

    assert any_record(lambda v, r: r["footwear"]["shoe_km"] == 950)
    assert any_record(
        lambda v, r: (
            r["running_form"]["cadence_spm"] == 160
            and r["running_form"]["overstriding"] in ("mild", "marked")
        )
    )
    assert any_record(
        lambda v, r: (
            r["physical"]["thomas_left"] == "negative"
            and r["physical"]["thomas_right"] not in (None, "negative")
        )
    )
    assert any_record(
        lambda v, r: (
            (derive(r, patient(v)).sbst or None) is not None
            and derive(r, patient(v)).sbst.risk == "high"
        )
    )
    assert any_record(lambda v, r: (derive(r, patient(v)).load.two_week_change_pct or 0) > 30)
    odi_patients = {
        v.patient_reference for v, r in records if derive(r, patient(v)).odi_percent is not None
    }
    assert len(odi_patients) >= 2


def test_sbst_is_answered_in_full_wherever_it_is_used():
    for visit, record in seeded():
        items = [record["outcomes"][f"sbst_{i}"] for i in range(1, 10)]
        assert all(x is None for x in items) or all(x is not None for x in items), where(visit)


def test_the_module_is_pure_data():
    source = Path(__file__).resolve().parents[1] / "physio" / "demo_records.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not {
        name
        for name in imported
        if name.split(".")[0] in {"flask", "sqlalchemy", "wtforms", "flask_sqlalchemy"}
    }
    assert all(
        not name.startswith("physio.") or name.startswith("physio.clinical") for name in imported
    )
