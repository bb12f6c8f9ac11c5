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
from .invariants import PlanInvariantError, Violation, check_plan
from .library import INTERVENTIONS, PAIN_RULES, WALK_RUN_STAGES, Intervention
from .model import KINDS, PlanContext, PlanFacts, PlanItem, Referral, TreatmentPlan
from .rules import RULES, RULES_BY_ID, Rule

__all__ = [
    "DOSE_LIMITS",
    "INTERVENTIONS",
    "KINDS",
    "PAIN_RULES",
    "RULES",
    "RULES_BY_ID",
    "WALK_RUN_STAGES",
    "Intervention",
    "PlanContext",
    "PlanFacts",
    "PlanInvariantError",
    "PlanItem",
    "Referral",
    "Rule",
    "TreatmentPlan",
    "Violation",
    "apply_edits",
    "build_plan",
    "check_plan",
]
