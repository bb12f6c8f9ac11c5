"""A fixed, structured reference handout for bench/pdf_bench.py (issue 13).

What a patient exercise handout is made of, written once and kept fixed, so that the plan's
render time per page is compared with a document of the same kind rather than plain paragraphs:
page header and footer (clinic, physio, page X of Y), a title and an introduction, a week table
(7 day columns, header cells), then exercise cards — each a bordered box with a number, a title,
a dose line, 4 numbered steps, a "why" box, two small-print lines, and an inline ``<svg>``
drawing (a floor line, a stick figure of about 12 strokes, an arrow, a caption) beside the steps —
and a closing paragraph. Plain CSS in a ``<style>`` element, the same page box as the plan.

``reference_handout_html(cards)`` is the document with ``cards`` cards; ``ReferenceHandouts``
finds the number of cards that gives exactly N pages (the plan's page count) with the renderer it
is given (physio.pdf.html_to_pdf, so both documents go through the same engine and PDF variant).

Do not "improve" this file to follow the plan's template: it is the yardstick. Change it only
on purpose, and say so next to the bench figures.
"""

from __future__ import annotations

import io

STEPS = (
    "Lie on your back with your knees bent and your feet flat on the floor.",
    "Breathe out and gently tighten the muscles low in your tummy.",
    "Lift slowly, keeping your back in the same position the whole time.",
    "Hold for the time set, then lower slowly and rest before the next one.",
)
WHY = (
    "Your plank hold was shorter than expected for your age, and your back felt tired at the end "
    "of long runs. Building trunk endurance helps you keep a tall posture when you are tired."
)
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NAMES = (
    "Forearm plank",
    "Side plank",
    "Bird dog",
    "Curl-up",
    "Glute bridge",
    "Clamshell",
    "Cat–cow",
    "Child's pose",
)

CSS = """
@page { size: A4; margin: 20mm 15mm 17mm 15mm;
  @top-left { content: "Riverside Running Physio"; width: 80mm;
    font: bold 9.5pt "DejaVu Sans", sans-serif; color: #0f766e }
  @top-right { content: "Sam Patel, physiotherapist · Reg. PH123456"; width: 96mm;
    text-align: right; font: 9pt "DejaVu Sans", sans-serif; color: #475467 }
  @bottom-left { content: "Reference handout · bench/reference_handout.py"; width: 140mm;
    font: 9pt "DejaVu Sans", sans-serif; color: #475467 }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); width: 36mm;
    text-align: right; font: 9pt "DejaVu Sans", sans-serif; color: #475467 } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.32;
  color: #1d2939 }
body { margin: 0 }
h1 { font-size: 19pt; color: #0f766e; margin: 0 0 2mm }
h2 { font-size: 13.5pt; color: #0f766e; margin: 5mm 0 2.5mm; border-bottom: 1.2pt solid #99c9c3;
  break-after: avoid }
h3 { font-size: 12pt; display: inline; margin: 0 }
p { margin: 0 0 1.8mm }
table.week { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 9pt }
table.week th, table.week td { border-bottom: 0.6pt solid #d0d5dd; padding: 1.3mm 1.2mm }
table.week thead th { background: #f0f9f8; color: #0b4f4a }
table.week td.day { text-align: center; color: #0f766e; font-weight: bold }
.card { break-inside: avoid; border: 0.8pt solid #d0d5dd; border-radius: 3mm;
  padding: 2.8mm 4mm 1.8mm; margin: 0 0 3mm }
.num { display: inline-block; width: 6mm; height: 6mm; line-height: 6mm; border-radius: 3mm;
  background: #0f766e; color: #ffffff; text-align: center; font-size: 9pt; font-weight: bold;
  margin-right: 2mm }
.dose { font-weight: bold; color: #0b4f4a; font-size: 10pt; margin: 1mm 0 0.3mm }
.row { display: table; table-layout: fixed; width: 100% }
.text, .pic { display: table-cell; vertical-align: top }
.pic { width: 85mm; padding-left: 4mm }
.pic svg { width: 82mm; height: 30mm }
ol { margin: 1mm 0; padding-left: 5.5mm }
li { margin-bottom: 0.5mm }
.why { background: #f0f9f8; border-radius: 2mm; padding: 1.6mm 3mm; margin: 1.2mm 0 1mm }
.more { font-size: 9pt; color: #344054; margin: 1mm 0 0 }
.more span { display: block }
"""


def figure_svg(n: int) -> str:
    """An inline drawing: floor, a figure of strokes lying down (pose varies with n), an arrow."""
    lift = 6 + (n % 4) * 3
    strokes = [
        (40, 70, 80, 70 - lift),  # thigh
        (80, 70 - lift, 110, 60),  # trunk
        (110, 60, 130, 62),  # upper arm
        (130, 62, 150, 70),  # forearm
        (40, 70, 20, 80),  # shin
        (20, 80, 12, 80),  # foot
    ]
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 180 90" role="img">',
        f"<title>Exercise {n}: start and finish</title>",
        '<line x1="3" y1="84" x2="177" y2="84" stroke="#6b7280" stroke-width="1.6"/>',
    ]
    for tone, dy in (("#aab2bd", lift), ("#374151", 0)):
        for x1, y1, x2, y2 in strokes:
            parts.append(
                f'<line x1="{x1}" y1="{y1 + dy}" x2="{x2}" y2="{y2 + dy}" stroke="{tone}" '
                'stroke-width="6" stroke-linecap="round"/>'
            )
        parts.append(f'<circle cx="142" cy="{50 + dy}" r="7" fill="{tone}"/>')
    parts.append(
        '<path d="M80 40 Q85 30 80 20" fill="none" stroke="#0f766e" stroke-width="2.2"/>'
        '<path d="M80 14 L76 22 L84 22 Z" fill="#0f766e"/>'
        '<text x="150" y="20" font-size="9" text-anchor="middle" fill="#374151">Finish</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def card_html(n: int) -> str:
    name = NAMES[n % len(NAMES)]
    steps = "".join(f"<li>{STEPS[(n + k) % len(STEPS)]}</li>" for k in range(4))
    return (
        f'<div class="card"><span class="num">{n + 1}</span><h3>{name}</h3>'
        f'<p class="dose">4 × 30-second holds, 5 days a week</p>'
        f'<div class="row"><div class="text"><ol>{steps}</ol>'
        f'<div class="why"><b>Why this is in your plan:</b> {WHY}</div></div>'
        f'<div class="pic">{figure_svg(n)}<p class="more"><span><b>Take care:</b> Stop when '
        "your hips start to sag.</span><span><b>If it is too hard:</b> Rest on your knees "
        "instead of your toes.</span></p></div></div></div>"
    )


def week_table(rows: int) -> str:
    head = "".join(f'<th scope="col">{d}</th>' for d in DAYS)
    body = []
    for i in range(rows):
        cells = "".join(
            f'<td class="day">{"✓" if (i + d) % 3 else ""}</td>' for d in range(len(DAYS))
        )
        body.append(
            f'<tr><th scope="row">{NAMES[i % len(NAMES)]}</th><td>4 × 30 s</td>{cells}</tr>'
        )
    return (
        '<table class="week"><colgroup><col style="width: 36%"><col style="width: 24%">'
        + '<col style="width: 5.7%">' * len(DAYS)
        + '</colgroup><thead><tr><th scope="col">What</th><th scope="col">How much</th>'
        f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def reference_handout_html(cards: int) -> str:
    """The reference handout with ``cards`` exercise cards."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Reference handout</title><style>{CSS}</style></head><body>"
        "<h1>Your treatment plan</h1>"
        "<p>This plan was written for you after your visit. It is based on what you told us and "
        "what we found when we checked you. Each part says why it is in your plan.</p>"
        "<h2>Your plan at a glance</h2>"
        + week_table(8)
        + "<h2>Your exercises</h2>"
        + "".join(card_html(n) for n in range(cards))
        + "<p>This plan was written for you by Sam Patel (registration PH123456). It does not "
        "replace medical advice.</p></body></html>"
    )


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


class ReferenceHandouts:
    """Reference handouts of exactly N pages (a number of cards that gives N), found once per N."""

    def __init__(self, html_to_pdf):
        self.html_to_pdf = html_to_pdf
        self.cards: dict[int, int] = {}

    def pages_of(self, cards: int) -> int:
        return _page_count(self.html_to_pdf(reference_handout_html(cards)))

    def html(self, pages: int) -> str:
        if pages not in self.cards:
            cards = max(1, 3 * pages - 3)  # about 3 cards a page after page 1's table
            while self.pages_of(cards) > pages and cards > 1:
                cards -= 1
            while self.pages_of(cards) < pages:
                cards += 1
            self.cards[pages] = cards
        return reference_handout_html(self.cards[pages])
