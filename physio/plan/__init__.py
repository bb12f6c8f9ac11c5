"""The plan engine: pure Python rules that turn an assessment into a personalised treatment plan.

No Flask, SQLAlchemy or WTForms here (only the standard library and ``physio.clinical``), so every
rule can be tested on plain dicts. See ``docs/plan-rules.md``::

    context = PlanContext(today=date.today(), physio_name="...", physio_registration="...",
                          clinic_name="...", clinic_phone="...")
    plan = build_plan(record, patient, derive(record, patient), context)
    plan, errors = apply_edits(plan, [{"code": "plank", "hold_s": 20}])
"""

from .edits import DOSE_LIMITS, apply_edits
from .engine import build_plan
from .library import (
    CES_CARD,
    FLARE_UP,
    INTERVENTIONS,
    PAIN_RULES,
    SAFETY_NET,
    WALK_RUN_STAGES,
    Intervention,
)
from .model import KINDS, PlanContext, PlanItem, Referral, TreatmentPlan
from .rules import RULES, RULES_BY_ID, Rule

__all__ = [
    "CES_CARD",
    "DOSE_LIMITS",
    "FLARE_UP",
    "INTERVENTIONS",
    "KINDS",
    "PAIN_RULES",
    "RULES",
    "RULES_BY_ID",
    "SAFETY_NET",
    "WALK_RUN_STAGES",
    "Intervention",
    "PlanContext",
    "PlanItem",
    "Referral",
    "Rule",
    "TreatmentPlan",
    "apply_edits",
    "build_plan",
]
