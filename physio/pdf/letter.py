"""The one-page referral letter to the GP (or the emergency department), for E and U tier plans
(``templates/pdf/letter.html``)."""

from __future__ import annotations

from typing import Any

from flask import render_template

from physio.pdf.document import PlanDocument, long_date, page_css_values, visit_label
from physio.pdf.engine import css_string, html_to_pdf, style_element
from physio.plan.referral_letter import LetterFacts
from physio.plan.rules import join_words


def letter_context(doc: PlanDocument) -> dict[str, Any]:
    plan, referral = doc.plan, doc.plan.referral
    if referral is None or plan.tier not in ("E", "U"):
        raise ValueError("A referral letter needs a plan with an E or U tier referral.")
    reg = f" (registration {doc.physio_registration})" if doc.physio_registration else ""
    facts = doc.letter if doc.letter is not None else LetterFacts()
    return {
        "doc": doc,
        "plan": plan,
        "referral": referral,
        "emergency": plan.tier == "E",
        "facts": facts,
        "concern": join_words(facts.concerns, "or"),
        "dob": long_date(doc.patient_dob),
        "addressee": referral.referred_to
        or ("The duty doctor, Emergency Department" if plan.tier == "E" else "The GP"),
        "seen_on": long_date(doc.seen_on),
        "written_on": long_date(doc.seen_on),
        "ces": bool(plan.item("ces_card") and plan.item("ces_card").included),
        "running_paused": bool(plan.item("run_pause") and plan.item("run_pause").included),
        "physio_with_reg": f"{doc.physio_name}{reg}",
        **page_css_values(doc),
        # One date on the letter: the visit's.
        "css_trace": css_string(
            f"Letter version {doc.export_version} · Assessment #{doc.assessment_id} · "
            f"{visit_label(doc)}"
        ),
    }


def render_referral_letter_pdf(doc: PlanDocument) -> bytes:
    """A one-page letter to the GP (or the emergency department) for an E or U tier plan."""
    context = letter_context(doc)
    css = render_template("pdf/letter.css", **context)
    return html_to_pdf(render_template("pdf/letter.html", stylesheet=style_element(css), **context))


def refusal(plan) -> str | None:
    """Why this plan has no referral letter (None: it has one)."""
    if plan.referral is None:
        return "A referral letter is only for an emergency or urgent red-flag tier."
    return None
