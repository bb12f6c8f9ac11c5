"""The questionnaires a patient answers on their phone before a visit, as short pages.

Every question posts a field name of the assessment contract (docs/assessment.md:
``pain-nprs_now``, ``outcomes-rmdq_1``, ``outcomes-psfs-0-activity``, ``outcomes-sbst_1``,
``outcomes-odi_1`` …), so the answers go into the record unchanged.

Wording: the NPRS questions are ours, in plain words; the RMDQ-24 and STarT Back items are the
published wording, unmodified (docs/evidence.md §1.3.2–3); the ODI statements are licensed and
not shipped, so the ODI is offered only with the statements the clinic loaded
(``odi_statements``: ten ``[section heading, statement 0 … statement 5]``).

Pure Python: pages are built from the instruments asked for, and one page's posted values are
read into typed answers (or messages for the patient) here, with no web framework involved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .scoring import (
    ODI_FIELDS,
    RMDQ_FIELDS,
    RMDQ_INSTRUCTION,
    RMDQ_ITEMS,
    SBST_AGREE_FIELDS,
    SBST_COPYRIGHT,
    SBST_ITEM9_OPTIONS,
    SBST_ITEMS,
    SBST_TIMEFRAME,
)

#: Instruments a clinic can send, in the order the patient meets them.
INSTRUMENTS: tuple[str, ...] = ("nprs", "rmdq", "psfs", "sbst", "odi")
#: Instruments that need the clinic's licence (docs/evidence.md §0): clinic option of the same name.
LICENSED: frozenset[str] = frozenset({"sbst", "odi"})
INSTRUMENT_NAMES: dict[str, str] = {
    "nprs": "Pain scores (0–10)",
    "rmdq": "Roland-Morris Disability Questionnaire (RMDQ-24)",
    "psfs": "Patient-Specific Functional Scale (PSFS)",
    "sbst": "Keele STarT Back Screening Tool",
    "odi": "Oswestry Disability Index (ODI)",
}
DEFAULT_INSTRUMENTS: tuple[str, ...] = ("nprs", "rmdq", "psfs")

PSFS_ROWS = 5
RMDQ_PER_PAGE = 6
ODI_SECTIONS = 10
ODI_STATEMENTS = 6
ACTIVITY_MAX_LENGTH = 200

_YES = {"y", "yes", "true", "1", "on", "agree"}
_NO = {"n", "no", "false", "0", "off", "disagree"}


@dataclass(frozen=True)
class Question:
    """One question; ``name`` is the contract's posted field name.

    kinds: ``scale`` (0–10), ``tick`` (a checkbox: ticked or not), ``agree`` (agree/disagree),
    ``choice`` (one of ``choices``), ``statement`` (one ODI statement, 0–5, or "does not apply").
    """

    name: str
    kind: str
    text: str
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    low: str = ""
    high: str = ""


@dataclass(frozen=True)
class Page:
    key: str
    instrument: str
    title: str
    intro: str = ""
    questions: tuple[Question, ...] = ()
    #: PSFS only: activities already named at the last visit (re-rated, not renamed).
    fixed_activities: tuple[str, ...] = ()
    note: str = ""  # attribution shown under the questions

    @property
    def is_psfs(self) -> bool:
        return self.instrument == "psfs"

    def field_names(self) -> list[str]:
        if self.is_psfs:
            return psfs_names()
        return [q.name for q in self.questions]


def psfs_names() -> list[str]:
    names = []
    for i in range(PSFS_ROWS):
        names += [f"outcomes-psfs-{i}-activity", f"outcomes-psfs-{i}-score"]
    return names


def valid_odi_statements(value: Any) -> bool:
    """Ten sections, each a heading and six non-empty statements."""
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != ODI_SECTIONS:
        return False
    return all(
        isinstance(section, Sequence)
        and not isinstance(section, str)
        and len(section) == 1 + ODI_STATEMENTS
        and all(isinstance(line, str) and line.strip() for line in section)
        for section in value
    )


def parse_odi_statements(text: str) -> tuple[list[list[str]] | None, str | None]:
    """The clinic's pasted ODI wording: ten blocks separated by blank lines, each a section
    heading then six statements. Returns (sections, None) or (None, what is wrong)."""
    blocks = [
        [line.strip() for line in block.splitlines() if line.strip()]
        for block in text.replace("\r\n", "\n").split("\n\n")
    ]
    blocks = [b for b in blocks if b]
    if len(blocks) != ODI_SECTIONS:
        return None, f"Found {len(blocks)} sections; the ODI has {ODI_SECTIONS}."
    for n, block in enumerate(blocks, 1):
        if len(block) != 1 + ODI_STATEMENTS:
            return None, (
                f"Section {n} ({block[0][:40]}) has {len(block) - 1} statements; "
                f"each needs a heading and {ODI_STATEMENTS} statements."
            )
        if any(len(line) > 300 for line in block):
            return None, f"Section {n} has a line longer than 300 characters."
    return blocks, None


def available_instruments(*, sbst: bool, odi: bool, odi_loaded: bool) -> list[str]:
    """What this clinic may send: the free ones always, the licensed ones only when switched
    on (and the ODI only with its licensed wording loaded)."""
    allowed = [i for i in INSTRUMENTS if i not in LICENSED]
    if sbst:
        allowed.append("sbst")
    if odi and odi_loaded:
        allowed.append("odi")
    return [i for i in INSTRUMENTS if i in allowed]


# --- pages ------------------------------------------------------------------------------------


def _scale(name: str, text: str, required: bool = True) -> Question:
    return Question(
        name,
        "scale",
        text,
        required=required,
        low="0 = no pain",
        high="10 = the worst pain you can imagine",
    )


def _nprs_pages() -> list[Page]:
    return [
        Page(
            "pain-now",
            "nprs",
            "Your back pain now",
            "Pick the number that fits best.",
            (_scale("pain-nprs_now", "How bad is your back pain right now?"),),
        ),
        Page(
            "pain-24h",
            "nprs",
            "Your back pain in the last 24 hours",
            "Think about the last day and night.",
            (
                _scale("pain-nprs_best_24h", "At its best, how bad was it?"),
                _scale("pain-nprs_worst_24h", "At its worst, how bad was it?"),
            ),
        ),
        Page(
            "pain-running",
            "nprs",
            "Your back pain and running",
            "Think about your last run. If you are not running at the moment, leave these "
            "blank and go on.",
            (
                _scale("pain-nprs_during_run", "During the run, how bad was it?", False),
                _scale(
                    "pain-nprs_next_morning", "The next morning, how bad was it?", required=False
                ),
            ),
        ),
    ]


def _rmdq_pages() -> list[Page]:
    pages = []
    count = len(RMDQ_FIELDS) // RMDQ_PER_PAGE
    for n in range(count):
        chunk = range(n * RMDQ_PER_PAGE, (n + 1) * RMDQ_PER_PAGE)
        pages.append(
            Page(
                f"rmdq-{n + 1}",
                "rmdq",
                f"Your back today ({n + 1} of {count})",
                "When your back hurts, you may find it hard to do some of the things you "
                f"normally do. {RMDQ_INSTRUCTION} Leave the others unticked.",
                tuple(
                    Question(f"outcomes-{RMDQ_FIELDS[i]}", "tick", RMDQ_ITEMS[i], required=False)
                    for i in chunk
                ),
            )
        )
    return pages


def _psfs_page(previous: Sequence[str]) -> Page:
    fixed = tuple(a for a in previous if isinstance(a, str) and a.strip())[:PSFS_ROWS]
    if fixed:
        intro = (
            "Last time you named these activities. Score each one for how well you can do it "
            "today. You can add others you find hard because of your back."
        )
    else:
        intro = (
            "Name up to five activities you find hard, or can't do, because of your back (for "
            "example “running 10 km” or “sitting through a film”). Score each one for how well "
            "you can do it today."
        )
    return Page("psfs", "psfs", "Activities you find hard", intro, fixed_activities=fixed)


def _sbst_pages() -> list[Page]:
    agree = (("y", "Agree"), ("n", "Disagree"))
    intro = f"{SBST_TIMEFRAME}, do you agree or disagree with each statement?"
    items = [
        Question(f"outcomes-{name}", "agree", text, choices=agree)
        for name, text in zip(SBST_AGREE_FIELDS, SBST_ITEMS[:8], strict=True)
    ]
    note = f"Keele STarT Back Screening Tool {SBST_COPYRIGHT}."
    return [
        Page("sbst-1", "sbst", "The last 2 weeks (1 of 3)", intro, tuple(items[:4]), note=note),
        Page("sbst-2", "sbst", "The last 2 weeks (2 of 3)", intro, tuple(items[4:]), note=note),
        Page(
            "sbst-3",
            "sbst",
            "The last 2 weeks (3 of 3)",
            "",
            (Question("outcomes-sbst_9", "choice", SBST_ITEMS[8], choices=SBST_ITEM9_OPTIONS),),
            note=note,
        ),
    ]


def _odi_pages(statements: Sequence[Sequence[str]]) -> list[Page]:
    pages = []
    for n, (name, section) in enumerate(zip(ODI_FIELDS, statements, strict=True), 1):
        heading, *lines = section
        choices = tuple((str(score), line) for score, line in enumerate(lines))
        pages.append(
            Page(
                f"odi-{n}",
                "odi",
                f"{heading} ({n} of {ODI_SECTIONS})",
                "Choose the one statement that best describes you today. If two seem to fit, "
                "choose the one lower down the list.",
                (Question(f"outcomes-{name}", "statement", heading, choices=choices),),
                note="Oswestry Disability Index, used under your clinic's licence.",
            )
        )
    return pages


def build_pages(
    instruments: Sequence[str],
    psfs_previous: Sequence[str] = (),
    odi_statements: Sequence[Sequence[str]] | None = None,
) -> list[Page]:
    """The pages for these instruments, in INSTRUMENTS order (unknown names are ignored)."""
    chosen = set(instruments)
    pages: list[Page] = []
    if "nprs" in chosen:
        pages += _nprs_pages()
    if "rmdq" in chosen:
        pages += _rmdq_pages()
    if "psfs" in chosen:
        pages.append(_psfs_page(psfs_previous))
    if "sbst" in chosen:
        pages += _sbst_pages()
    if "odi" in chosen and odi_statements is not None and valid_odi_statements(odi_statements):
        pages += _odi_pages(odi_statements)
    return pages


# --- reading one page's posted values -------------------------------------------------------


Getter = Callable[[str], list[str]]


def _first(get: Getter, name: str) -> str | None:
    values = get(name)
    if not values:
        return None
    value = values[0]
    return value.strip() if isinstance(value, str) else None


def _scale_value(raw: str | None) -> tuple[int | None, str | None]:
    if raw is None or raw == "":
        return None, None
    if raw.isascii() and raw.isdigit() and len(raw) <= 2 and int(raw) <= 10:
        return int(raw), None
    return None, "Choose a number from 0 to 10."


def read_page(page: Page, get: Getter) -> tuple[dict[str, Any], dict[str, str]]:
    """(answers by posted name, messages by posted name) for one page's posted values.

    ``get(name)`` returns the list of values posted under ``name`` (e.g. a MultiDict's
    ``getlist``). Names that are not on this page are never read, so nothing posted can write
    an answer the page does not ask.
    """
    if page.is_psfs:
        return _read_psfs(page, get)
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in page.questions:
        raw = _first(get, q.name)
        value: Any
        if q.kind == "tick":
            answers[q.name] = raw is not None and raw.lower() in _YES
            continue
        if q.kind == "scale":
            value, problem = _scale_value(raw)
        elif q.kind == "agree":
            low = (raw or "").lower()
            value = True if low in _YES else False if low in _NO else None
            problem = None if value is not None or not raw else "Choose agree or disagree."
        elif q.kind == "choice":
            allowed = {v for v, _ in q.choices}
            value = raw if raw in allowed else None
            problem = None if value is not None or not raw else "Choose one of the answers."
        elif q.kind == "statement":
            allowed = {v for v, _ in q.choices}
            if raw == "na":
                answers[q.name] = None
                continue
            value = int(raw) if raw in allowed else None
            problem = None if value is not None or not raw else "Choose one of the statements."
        else:  # pragma: no cover - a page built here has no other kind
            raise ValueError(q.kind)
        if problem:
            errors[q.name] = problem
        elif value is None and q.required:
            errors[q.name] = {
                "agree": "Choose agree or disagree.",
                "statement": "Choose the statement that fits best, or “does not apply”.",
            }.get(q.kind, "Please answer this question.")
        answers[q.name] = value
    _check_best_not_above_worst(answers, errors)
    return answers, errors


def _check_best_not_above_worst(answers: dict[str, Any], errors: dict[str, str]) -> None:
    best, worst = answers.get("pain-nprs_best_24h"), answers.get("pain-nprs_worst_24h")
    if best is not None and worst is not None and best > worst:
        errors["pain-nprs_best_24h"] = (
            f"Your pain at its best ({best}) can't be higher than at its worst ({worst})."
        )


#: The first PSFS's box "I have no activities to name": read, never stored (not a record field).
PSFS_NONE = "outcomes-psfs-none"


def _read_psfs(page: Page, get: Getter) -> tuple[dict[str, Any], dict[str, str]]:
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    # Only the first time: at a review the activities named before are re-rated.
    none = not page.fixed_activities and (_first(get, PSFS_NONE) or "").lower() in _YES
    rows = 0
    for i in range(PSFS_ROWS):
        activity_name, score_name = f"outcomes-psfs-{i}-activity", f"outcomes-psfs-{i}-score"
        activity: str | None
        if i < len(page.fixed_activities):
            activity = page.fixed_activities[i]  # re-rated, never renamed from the phone
        else:
            activity = " ".join((_first(get, activity_name) or "").split())
            activity = activity.replace("\x00", "")[:ACTIVITY_MAX_LENGTH] or None
        score, problem = _scale_value(_first(get, score_name))
        if problem:
            errors[score_name] = problem
        elif activity and score is None:
            errors[score_name] = "Give this activity a score from 0 to 10."
        elif score is not None and not activity:
            errors[activity_name] = "Name the activity this score is for."
        answers[activity_name] = activity
        answers[score_name] = score
        rows += bool(activity and score is not None)
    if none and rows:
        errors["outcomes-psfs-0-activity"] = (
            "You ticked that there is nothing to name: clear the activities, or untick it."
        )
    elif not rows and not errors and not none:
        errors["outcomes-psfs-0-activity"] = (
            "Name at least one activity and score it, or tick that there is nothing to name."
        )
    return answers, errors


# --- showing answers ---------------------------------------------------------------------------


def answer_words(page: Page, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) in words, for the check page and the read-only summary."""
    if page.is_psfs:
        rows = []
        for i in range(PSFS_ROWS):
            activity = answers.get(f"outcomes-psfs-{i}-activity")
            score = answers.get(f"outcomes-psfs-{i}-score")
            if activity:
                rows.append((activity, "–" if score is None else f"{score} out of 10"))
        return rows or [("Activities", "No activities named")]
    rows = []
    for q in page.questions:
        value = answers.get(q.name)
        if q.kind == "tick":
            if value:
                rows.append((q.text, "Ticked"))
            continue
        if value is None:
            words = "Does not apply" if q.kind == "statement" else "Not answered"
        elif q.kind == "scale":
            words = f"{value} out of 10"
        elif q.kind == "agree":
            words = "Agree" if value else "Disagree"
        else:
            words = dict(q.choices).get(str(value), str(value))
        rows.append((q.text, words))
    if page.instrument == "rmdq" and not rows:
        rows.append(("Sentences ticked", "None on this page"))
    return rows


def record_sections(answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The answers as record sections (docs/assessment.md): {"pain": {...}, "outcomes": {...}},
    PSFS as a list of {"activity", "score"} rows in order."""
    record: dict[str, dict[str, Any]] = {"pain": {}, "outcomes": {}}
    for name, value in answers.items():
        section, _, field = name.partition("-")
        if section in record and not field.startswith("psfs-"):
            record[section][field] = value
    rows = []
    for i in range(PSFS_ROWS):
        activity = answers.get(f"outcomes-psfs-{i}-activity")
        if activity:
            rows.append({"activity": activity, "score": answers.get(f"outcomes-psfs-{i}-score")})
    if any(name.startswith("outcomes-psfs-") for name in answers):
        record["outcomes"]["psfs"] = rows
    return record
