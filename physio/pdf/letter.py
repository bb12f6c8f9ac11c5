"""The one-page referral letter to the GP (or the emergency department), for E and U tier plans
(``templates/pdf/letter.html``)."""

from __future__ import annotations

import re
from typing import Any

from flask import render_template

from physio.pdf.document import PlanDocument, long_date, page_css_values
from physio.pdf.engine import html_to_pdf, style_element

_FIRST_PERSON = (
    (re.compile(r"^I have low back pain\. My physiotherapist recorded: "), ""),
    (re.compile(r"^My physiotherapist is concerned about "), "I am concerned about "),
    (re.compile(r"^My physiotherapist would like "), "I would like "),
)


def _letter_findings(referral) -> tuple[str, str]:
    """(what was recorded, the concern) in the physio's own voice, from the referral sheet."""
    recorded, concern = "", ""
    for line in referral.what_to_tell:
        if line.startswith("I have low back pain. My physiotherapist recorded: "):
            recorded = _FIRST_PERSON[0][0].sub("", line)
        elif line.startswith("My physiotherapist"):
            for pattern, words in _FIRST_PERSON[1:]:
                if pattern.match(line):
                    concern = pattern.sub(words, line)
    return recorded, concern


_DECISION_VOICE = (
    ("Your physiotherapist has referred you", "I have referred the patient"),
    ("Your physiotherapist has told your GP", "I am informing you"),
    (
        "Your physiotherapist discussed these findings with you",
        "I discussed these findings with the patient",
    ),
    (
        "Your physiotherapist has not recorded a decision yet",
        "No referral decision had been recorded when this letter was produced",
    ),
)


def _decision_in_physio_voice(words: str) -> str:
    for patient, physio in _DECISION_VOICE:
        if words.startswith(patient):
            return physio + words[len(patient) :]
    return words


def letter_context(doc: PlanDocument) -> dict[str, Any]:
    plan, referral = doc.plan, doc.plan.referral
    if referral is None or plan.tier not in ("E", "U"):
        raise ValueError("A referral letter needs a plan with an E or U tier referral.")
    recorded, concern = _letter_findings(referral)
    reg = f" (registration {doc.physio_registration})" if doc.physio_registration else ""
    return {
        "doc": doc,
        "plan": plan,
        "referral": referral,
        "emergency": plan.tier == "E",
        "recorded": recorded,
        "concern": concern,
        "decision": _decision_in_physio_voice(referral.physio_decision),
        "addressee": referral.referred_to
        or ("The duty doctor, Emergency Department" if plan.tier == "E" else "The GP"),
        "seen_on": long_date(doc.seen_on),
        "written_on": long_date(doc.exported_at),
        "ces": bool(plan.item("ces_card") and plan.item("ces_card").included),
        "running_paused": bool(plan.item("run_pause") and plan.item("run_pause").included),
        "physio_with_reg": f"{doc.physio_name}{reg}",
        **page_css_values(doc),
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
