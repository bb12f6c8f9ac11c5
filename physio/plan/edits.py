"""The physio's edits of a derived plan (the review page): pure, checked, all or nothing.

``edits`` is a list of dicts, one per item to change or add::

    {"code": "plank", "included": True, "sets": 2, "reps": 5, "hold_s": 20, "days_per_week": 5,
     "target": None, "physio_note": "Knees down for now", "position": 3}

A key that is absent leaves that value as it is; a key given as ``None`` or ``""`` clears it. A code
that is not in the plan but is in the library adds that item (``added_by_physio``). Form strings
("3", "on") are accepted. When any edit is refused, the plan comes back unchanged with every error
message, so that the page can show them all and nothing half-edited is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .library import INTERVENTIONS
from .model import EXERCISE_CAP, PROGRAMME_KINDS, REQUIRED_KINDS, SIDES, PlanItem, TreatmentPlan

DOSE_LIMITS: dict[str, tuple[int, int]] = {
    "sets": (1, 10),
    "reps": (1, 50),
    "hold_s": (5, 120),
    "days_per_week": (1, 7),
}
DOSE_WORDS = {
    "sets": "Sets",
    "reps": "Reps",
    "hold_s": "Hold (seconds)",
    "days_per_week": "Days a week",
}
#: Kinds whose items carry a dose.
DOSED_KINDS = frozenset({"exercise", "running", "load", "cross_training"})
TARGET_MAX = 200
REASON_MAX = 300
NOTE_MAX = 2000
_TRUE = {"1", "true", "on", "yes", "y"}
_FALSE = {"0", "false", "off", "no", "n", ""}


def apply_edits(
    plan: TreatmentPlan, edits: list[Mapping[str, Any]] | None
) -> tuple[TreatmentPlan, list[str]]:
    """``(edited plan, [])``, or ``(unchanged copy of plan, errors)`` when any edit is refused."""
    new = plan.copy()
    errors: list[str] = []
    items = {i.code: i for i in new.items}
    positions: dict[str, float] = {}
    seen: set[str] = set()
    for number, edit in enumerate(edits or [], start=1):
        if not isinstance(edit, Mapping):
            errors.append(f"Edit {number} is not understood.")
            continue
        code = edit.get("code")
        if not isinstance(code, str) or not code.strip():
            errors.append(f"Edit {number} has no item code.")
            continue
        code = code.strip()
        if code in seen:
            errors.append(f"{_name(code)}: changed twice in the same edit.")
            continue
        seen.add(code)
        target = items.get(code)
        if target is None:
            target, problem = _new_item(new, code)
            if problem:
                errors.append(problem)
                continue
            new.items.append(target)
            items[code] = target
            if code in new.left_out:
                new.left_out.remove(code)
                new.left_out_items = [i for i in new.left_out_items if i.code != code]
        errors.extend(_apply(target, edit, positions))

    if positions:
        order = {i.code: n for n, i in enumerate(new.items)}
        new.items.sort(
            key=lambda i: (positions.get(i.code, order[i.code]), i.code not in positions)
        )
    # A referral always stays first (RED-U/RED-E); the physio can't move it below the programme.
    new.items.sort(key=lambda i: i.kind != "referral")

    included = [i for i in new.items if i.kind == "exercise" and i.included]
    if len(included) > new.exercise_cap:
        why = " when worry and fear are high" if new.exercise_cap < EXERCISE_CAP else ""
        errors.append(
            f"At most {new.exercise_cap} exercises can be included{why}; {len(included)} are "
            f"ticked. Untick {len(included) - new.exercise_cap} to continue."
        )
    if new.emergency:
        for i in new.items:
            if i.kind in PROGRAMME_KINDS and i.included:
                errors.append(
                    f"{i.title}: an emergency referral sheet can't hold {i.kind.replace('_', '-')} "
                    "items."
                )
    if errors:
        return plan.copy(), list(dict.fromkeys(errors))
    return new, []


def _name(code: str) -> str:
    entry = INTERVENTIONS.get(code)
    return entry.title if entry else code


def _new_item(plan: TreatmentPlan, code: str) -> tuple[PlanItem | None, str | None]:
    entry = INTERVENTIONS.get(code)
    if entry is None:
        return None, f"Unknown item code '{code}': only items of the library can be added."
    if not entry.addable:
        return (
            None,
            f"{entry.title}: a referral comes from the red-flag findings and can't be added by "
            "hand.",
        )
    if plan.emergency and entry.kind in PROGRAMME_KINDS:
        return None, (
            f"{entry.title}: an emergency referral sheet can't gain exercise, running, load or "
            "cross-training items."
        )
    capped = next((i for i in plan.left_out_items if i.code == code), None)
    if capped is not None:
        # Swapped back in: the item as the rules made it (its reason, side and rule ids).
        return PlanItem.from_dict(capped.to_dict()), None
    item = PlanItem(
        code=entry.code,
        kind=entry.kind,
        title=entry.title,
        reason="Added by your physiotherapist.",
        rule_ids=[],
        sets=entry.sets,
        reps=entry.reps,
        hold_s=entry.hold_s,
        days_per_week=entry.days_per_week,
        added_by_physio=True,
    )
    return item, None


def _apply(item: PlanItem, edit: Mapping[str, Any], positions: dict[str, float]) -> list[str]:
    errors: list[str] = []
    name = item.title
    if "included" in edit:
        included = _bool(edit["included"])
        if included is None:
            errors.append(f"{name}: 'included' must be yes or no.")
        elif not included and item.kind in REQUIRED_KINDS:
            errors.append(f"{name}: {item.kind} items can't be left out of the plan.")
        else:
            item.included = included
    for key, (low, high) in DOSE_LIMITS.items():
        if key not in edit:
            continue
        raw = edit[key]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            setattr(item, key, None)
            continue
        value = _int(raw)
        if value is None:
            errors.append(f"{name}: {DOSE_WORDS[key]} must be a whole number.")
        elif not low <= value <= high:
            errors.append(
                f"{name}: {DOSE_WORDS[key]} must be between {low} and {high} (got {value})."
            )
        elif item.kind not in DOSED_KINDS:
            errors.append(f"{name}: {item.kind} items have no dose.")
        else:
            setattr(item, key, value)
    for key, limit in (("target", TARGET_MAX), ("physio_note", NOTE_MAX)):
        if key not in edit:
            continue
        raw = edit[key]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            setattr(item, key, None)
        elif not isinstance(raw, str):
            errors.append(f"{name}: {key.replace('_', ' ')} must be text.")
        elif len(raw.strip()) > limit:
            errors.append(
                f"{name}: {key.replace('_', ' ')} is too long (at most {limit} characters)."
            )
        else:
            setattr(item, key, raw.strip())
    if "reason" in edit:
        # Only an item the physio added carries the physio's own reason; a rule's reason is
        # the finding that triggered it and stays as the rules wrote it.
        raw = edit["reason"]
        if not item.added_by_physio:
            errors.append(f"{name}: only an item you added takes your own reason.")
        elif raw is None or (isinstance(raw, str) and not raw.strip()):
            item.reason = "Added by your physiotherapist."
        elif not isinstance(raw, str) or len(raw.strip()) > REASON_MAX:
            errors.append(f"{name}: the reason must be text of at most {REASON_MAX} characters.")
        else:
            item.reason = raw.strip()
    if "side" in edit:
        side = edit["side"]
        if side is None or side == "":
            item.side = None
        elif side in SIDES:
            item.side = side
        else:
            errors.append(f"{name}: side must be left, right or both.")
    if "position" in edit and edit["position"] not in (None, ""):
        position = _int(edit["position"])
        if position is None:
            errors.append(f"{name}: position must be a whole number.")
        else:
            positions[item.code] = position
    return errors


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        try:
            return int(value) if value == int(value) else None
        except (ArithmeticError, ValueError):  # NaN, infinity
            return None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if value in (0, 1):
        return bool(value)
    return None
