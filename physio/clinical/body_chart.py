"""The body chart: where the patient feels pain, pins and needles or numbness, and how much.

Regions are the `pain-location` codes of docs/assessment.md (the trunk and buttocks, and the
thigh and below-knee areas), split further down the leg to the foot, on a front and a back view.
A mark is one (region, symptom, intensity); intensity is 0–10 like the pain scores, or blank.
The chart is stored as a list of marks (structured data, never a picture) and posted as
`pain-body_chart` values "region:symptom[:intensity]" (e.g. "calf_right:pins_needles:4").

`pain-location` stays consistent with the chart: every region marked with *pain* adds its
location code (pins and needles or numbness are not pain, so they add none).
"""

from __future__ import annotations

from dataclasses import dataclass

SYMPTOMS: dict[str, str] = {
    "pain": "Pain",
    "pins_needles": "Pins and needles",
    "numbness": "Numbness",
}
INTENSITY_MAX = 10


@dataclass(frozen=True)
class Region:
    code: str
    label: str
    view: str  # "front" | "back"
    location: str | None  # the pain-location code it belongs to (None: no such code)


REGIONS: tuple[Region, ...] = (
    Region("thoracic", "Mid and upper back", "back", "thoracic"),
    Region("lumbar_left", "Low back, left", "back", "lumbar_left"),
    Region("central_lumbar", "Low back, central", "back", "central_lumbar"),
    Region("lumbar_right", "Low back, right", "back", "lumbar_right"),
    Region("buttock_left", "Buttock, left", "back", "buttock_left"),
    Region("buttock_right", "Buttock, right", "back", "buttock_right"),
    Region("thigh_back_left", "Back of thigh, left", "back", "thigh_left"),
    Region("thigh_back_right", "Back of thigh, right", "back", "thigh_right"),
    Region("calf_left", "Calf, left", "back", "below_knee_left"),
    Region("calf_right", "Calf, right", "back", "below_knee_right"),
    Region("heel_left", "Heel and sole, left", "back", "below_knee_left"),
    Region("heel_right", "Heel and sole, right", "back", "below_knee_right"),
    Region("groin_left", "Groin and hip, left", "front", None),
    Region("groin_right", "Groin and hip, right", "front", None),
    Region("thigh_front_left", "Front of thigh, left", "front", "thigh_left"),
    Region("thigh_front_right", "Front of thigh, right", "front", "thigh_right"),
    Region("knee_left", "Knee, left", "front", None),
    Region("knee_right", "Knee, right", "front", None),
    Region("shin_left", "Shin and outer leg, left", "front", "below_knee_left"),
    Region("shin_right", "Shin and outer leg, right", "front", "below_knee_right"),
    Region("foot_left", "Top of foot and toes, left", "front", "below_knee_left"),
    Region("foot_right", "Top of foot and toes, right", "front", "below_knee_right"),
)
REGIONS_BY_CODE: dict[str, Region] = {r.code: r for r in REGIONS}


@dataclass(frozen=True)
class Mark:
    region: str
    symptom: str
    intensity: int | None = None

    def to_dict(self) -> dict:
        return {"region": self.region, "symptom": self.symptom, "intensity": self.intensity}

    def posted(self) -> str:
        tail = "" if self.intensity is None else f":{self.intensity}"
        return f"{self.region}:{self.symptom}{tail}"


class BadMark(ValueError):
    pass


def parse_mark(text: str) -> Mark:
    """ "region:symptom[:intensity]" → Mark; BadMark with a message for anything else."""
    parts = str(text).strip().split(":")
    if len(parts) not in (2, 3):
        raise BadMark(f"Not a body chart mark: {text!r}.")
    region, symptom = parts[0], parts[1]
    if region not in REGIONS_BY_CODE:
        raise BadMark(f"Unknown body chart region: {region!r}.")
    if symptom not in SYMPTOMS:
        raise BadMark(f"Unknown symptom: {symptom!r}.")
    intensity = None
    if len(parts) == 3 and parts[2] != "":
        try:
            intensity = int(parts[2])
        except ValueError:
            raise BadMark("Intensity must be a whole number from 0 to 10.") from None
        if not 0 <= intensity <= INTENSITY_MAX:
            raise BadMark("Intensity must be a whole number from 0 to 10.")
    return Mark(region, symptom, intensity)


def marks_from(values) -> list[Mark]:
    """Marks from stored dicts or Mark objects; one per (region, symptom), the last one wins."""
    by_key: dict[tuple[str, str], Mark] = {}
    for value in values or []:
        if isinstance(value, Mark):
            mark = value
        elif isinstance(value, dict):
            mark = Mark(str(value.get("region")), str(value.get("symptom")), value.get("intensity"))
        else:
            mark = parse_mark(value)
        by_key[(mark.region, mark.symptom)] = mark
    order = {r.code: i for i, r in enumerate(REGIONS)}
    symptom_order = list(SYMPTOMS)
    return sorted(
        by_key.values(),
        key=lambda m: (order.get(m.region, 99), symptom_order.index(m.symptom)),
    )


def locations_from_chart(marks) -> list[str]:
    """The pain-location codes the chart's *pain* marks cover."""
    found = []
    for mark in marks_from(marks):
        region = REGIONS_BY_CODE.get(mark.region)
        if mark.symptom == "pain" and region and region.location and region.location not in found:
            found.append(region.location)
    return found


def describe(marks) -> list[str]:
    """One plain line per mark, e.g. "Calf, right: pins and needles 4/10"."""
    lines = []
    for mark in marks_from(marks):
        region = REGIONS_BY_CODE[mark.region]
        words = SYMPTOMS[mark.symptom]
        level = f" {mark.intensity}/10" if mark.intensity is not None else ""
        lines.append(f"{region.label}: {words.lower()}{level}")
    return lines
