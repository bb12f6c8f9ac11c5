"""derive(): ages, duration category, wiring, and robustness on partial drafts."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from physio.clinical import Derived, LoadFigures, derive
from physio.clinical.red_flags import RED_FLAG_RULES

PATIENT = {"date_of_birth": date(1990, 6, 15), "sex": "male"}


def test_derive_age_is_completed_years_at_seen_at():
    assert derive({"seen_at": datetime(2026, 6, 14, 9)}, PATIENT).age == 35
    assert derive({"seen_at": datetime(2026, 6, 15, 9)}, PATIENT).age == 36


def test_derive_age_at_onset_uses_onset_date_else_seen_at():
    seen = datetime(2026, 6, 20, 9)
    with_onset = derive({"seen_at": seen, "history": {"onset_date": date(2026, 6, 1)}}, PATIENT)
    assert (with_onset.age, with_onset.age_at_onset) == (36, 35)
    assert derive({"seen_at": seen}, PATIENT).age_at_onset == 36


@pytest.mark.parametrize(
    "days, category",
    [
        (0, "acute"),
        (41, "acute"),  # < 6 weeks
        (42, "subacute"),
        (84, "subacute"),
        (90, "subacute"),  # 6–12 completed weeks
        (91, "persistent"),
        (400, "persistent"),  # > 12 weeks
    ],
)
def test_derive_duration_category_by_completed_weeks(days, category):
    seen = datetime(2026, 6, 20, 9)
    rec = {"seen_at": seen, "history": {"onset_date": seen.date() - timedelta(days=days)}}
    assert derive(rec, PATIENT).duration_category == category


def test_derive_duration_category_needs_onset_date():
    assert derive({"seen_at": datetime(2026, 6, 20)}, PATIENT).duration_category is None


def test_derive_onset_after_seen_at_has_no_duration():
    rec = {"seen_at": datetime(2026, 6, 20), "history": {"onset_date": date(2026, 7, 1)}}
    assert derive(rec, PATIENT).duration_category is None


def test_derive_accepts_aware_datetimes_and_dates():
    rec = {"seen_at": datetime(2026, 6, 15, 23, tzinfo=UTC)}
    assert derive(rec, PATIENT).age == 36
    assert derive({"seen_at": date(2026, 6, 15)}, PATIENT).age == 36


def test_derive_wires_every_figure():
    rec = {
        "kind": "initial",
        "seen_at": datetime(2026, 6, 20, 9),
        "history": {"onset_date": date(2026, 6, 1), "previous_episodes": 0},
        "outcomes": {
            "rmdq_1": True,
            "rmdq_2": True,
            "psfs": [{"activity": "run", "score": 4}],
            **{f"odi_{i}": 2 for i in range(1, 11)},
            **{f"sbst_{i}": i >= 5 for i in range(1, 9)},
            "sbst_9": "slightly",
        },
        "training": {
            "weekly_km_w1": Decimal("40"),
            "weekly_km_w2": 30,
            "weekly_km_w3": 25,
            "weekly_km_w4": 20,
        },
        "physical": {"plank_s": 60, "hip_abductor_left_nmkg": Decimal("1.2")},
        "red_flags": {rule.field: "no" for rule in RED_FLAG_RULES},
    }
    old_patient = {"date_of_birth": date(1960, 1, 1), "sex": "female"}
    result = derive(rec, old_patient)
    assert isinstance(result, Derived)
    assert (result.age, result.age_at_onset, result.duration_category) == (66, 66, "acute")
    assert result.rmdq == 2
    assert result.psfs_mean == 4.0
    assert result.odi_percent == 40.0
    assert (result.sbst.total, result.sbst.psychosocial, result.sbst.risk) == (4, 4, "high")
    assert result.load.two_week_change_pct == pytest.approx(60.0)
    assert result.physical.plank_norm_s == 83
    assert result.physical.hip_abductor_norm_nmkg == pytest.approx(1.6 - 0.33)
    # first episode at 66 → one context flag
    assert (result.red_flags.suggested_tier, result.red_flags.context_count) == ("C", 1)


def test_derive_is_frozen():
    result = derive({}, {})
    with pytest.raises(AttributeError):
        result.rmdq = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "rec, patient",
    [
        ({}, {}),
        (None, None),
        ({"kind": "review"}, PATIENT),
        ({"history": None, "pain": None}, {"sex": None}),
    ],
)
def test_derive_on_empty_draft_does_not_raise(rec, patient):
    result = derive(rec, patient)
    assert result.age is None or isinstance(result.age, int)
    assert result.rmdq is None  # not asked (issue 12 review), not 0/24
    assert result.load == LoadFigures(None, None, None, None)
    assert result.red_flags.suggested_tier is None


# --- property-based: derive never raises on random partial records ------------------------

TRI = st.sampled_from(["yes", "no", "not_asked", None])
small_int = st.one_of(st.none(), st.integers(0, 10))
decimal_km = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=400, places=1, allow_nan=False, allow_infinity=False),
    st.floats(min_value=0, max_value=400),
    st.integers(0, 400),
)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))


def partial(fields: dict) -> st.SearchStrategy[dict]:
    """A dict holding a random subset of ``fields``."""
    return st.fixed_dictionaries({}, optional=fields)


SECTIONS = {
    "history": partial(
        {
            "onset_date": st.one_of(st.none(), dates),
            "previous_episodes": st.one_of(st.none(), st.integers(0, 100)),
            "past_history": st.lists(st.sampled_from(["cancer", "osteoporosis", "diabetes"])),
            "long_term_steroids": st.one_of(st.none(), st.booleans()),
        }
    ),
    "pain": partial(
        {
            "nprs_now": small_int,
            "nprs_worst_24h": small_int,
            "location": st.one_of(
                st.none(),
                st.lists(
                    st.sampled_from(
                        ["central_lumbar", "below_knee_left", "below_knee_right", "thigh_left"]
                    )
                ),
            ),
        }
    ),
    "outcomes": partial(
        {
            **{f"rmdq_{i}": st.one_of(st.none(), st.booleans()) for i in range(1, 25)},
            **{f"odi_{i}": st.one_of(st.none(), st.integers(0, 5)) for i in range(1, 11)},
            **{f"sbst_{i}": st.one_of(st.none(), st.booleans()) for i in range(1, 9)},
            "sbst_9": st.sampled_from(
                [None, "not_at_all", "slightly", "moderately", "very_much", "extremely"]
            ),
            "psfs": st.lists(
                partial(
                    {"activity": st.one_of(st.none(), st.text(max_size=20)), "score": small_int}
                ),
                max_size=5,
            ),
        }
    ),
    "training": partial({f"weekly_km_w{i}": decimal_km for i in range(1, 5)}),
    "physical": partial(
        {
            "plank_s": st.one_of(st.none(), st.integers(0, 600)),
            "sorensen_s": st.one_of(st.none(), st.integers(0, 300)),
            "flexor_endurance_s": st.one_of(st.none(), st.integers(0, 600)),
            "side_plank_left_s": st.one_of(st.none(), st.integers(0, 600)),
            "side_plank_right_s": st.one_of(st.none(), st.integers(0, 600)),
            "slr_left_deg": st.one_of(st.none(), st.integers(0, 120)),
            "single_leg_squat_right": st.one_of(st.none(), st.integers(1, 3)),
            "hip_abductor_left_nmkg": st.one_of(st.none(), st.decimals(0, 5, places=2)),
            "hip_abductor_right_nmkg": st.one_of(st.none(), st.floats(0, 5)),
            "slr_neural_left": st.one_of(st.none(), st.booleans()),
            "neuro_deficit": st.sampled_from(
                [None, "none", "sensory", "motor_minor", "motor_major"]
            ),
        }
    ),
    "red_flags": partial(
        {
            **{rule.field: TRI for rule in RED_FLAG_RULES},
            "tier_override": st.sampled_from([None, "E", "U", "R"]),
            "override_reason": st.one_of(st.none(), st.text(max_size=20)),
            "decision": st.sampled_from(
                [
                    None,
                    "referred_emergency",
                    "referred_urgent",
                    "gp_informed",
                    "discussed_not_referred",
                ]
            ),
            "safety_net_given": st.one_of(st.none(), st.booleans()),
        }
    ),
    "yellow_flags": partial({"present": st.lists(st.sampled_from(["fear_avoidance", "low_mood"]))}),
}
records = partial(
    {
        "kind": st.sampled_from(["initial", "review"]),
        "seen_at": st.one_of(
            st.none(),
            st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31)),
        ),
        **SECTIONS,
    }
)
patients = partial(
    {
        "date_of_birth": st.one_of(st.none(), dates),
        "sex": st.sampled_from([None, "female", "male", "other"]),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rec=records, patient=patients)
def test_derive_never_raises_on_random_partial_records(rec, patient):
    result = derive(rec, patient)
    assert result.rmdq is None or 0 <= result.rmdq <= 24
    assert result.red_flags.tier in (None, "E", "U", "R", "C")
    if result.red_flags.suggested_tier is not None:
        order = "CRUE"
        assert order.index(result.red_flags.tier) >= order.index(result.red_flags.suggested_tier)
    if result.odi_percent is not None:
        assert 0 <= result.odi_percent <= 100
    if result.psfs_mean is not None:
        assert 0 <= result.psfs_mean <= 10


@settings(max_examples=200, deadline=None)
@given(
    section=st.sampled_from(list(SECTIONS)),
    junk=st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=5),
        st.lists(st.integers()),
        st.dictionaries(
            st.text(max_size=8), st.one_of(st.text(max_size=5), st.integers(), st.none())
        ),
    ),
)
def test_derive_never_raises_on_malformed_sections(section, junk):
    derive({"seen_at": datetime(2026, 1, 1), section: junk}, PATIENT)
