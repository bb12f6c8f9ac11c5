"""Exercise figures that move from the start position to the end position and back, for the
patient's phone page: an SVG with SMIL ``<animate>`` elements (no script, no video file).

The moving figure comes from the same joint-angle model as the PDF drawings: every in-between
frame is ``figures.figure()`` of a pose whose joint angles lie between the illustration's start
and end poses, so limbs turn about their joints instead of sliding. The picture around it (floor,
props, arrows, captions, the faded start pose) is the PDF drawing itself, from
``figures.render_illustration``; where that drawing puts the figure is read back from it, so a
change of layout there moves the animation with it (tests/plan/test_animation.py holds them
together: the last frame is the PDF's end figure, point for point).

A paused or motionless page (``prefers-reduced-motion``) shows the still PDF drawing instead:
that is the page's CSS and script (static/js/patient.js), not this module.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from typing import Any
from xml.etree import ElementTree as ET

from .figures import Figure, Illustration, Pose, Strap, figure, render_illustration
from .illustrations import ILLUSTRATIONS

SVG_NS = "http://www.w3.org/2000/svg"

FRAMES = 9  # poses from start to end (the same frames, reversed, bring it back)
DURATION_S = 5.0  # one full cycle: 1.8 s to the end, a pause, 1.8 s back, a pause
_MOVE = 0.36  # share of the cycle spent moving each way
_MAX_FIT_ERROR = 0.2  # world units; drawings are rounded to 0.1


def _ease(t: float) -> float:
    """Smoothstep: start and stop gently, as a person moves."""
    return t * t * (3 - 2 * t)


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def _mix(a, b, t: float):
    """A limb (Arm/Leg) with every angle and scale between a's and b's."""
    return type(a)(**{f.name: _lerp(getattr(a, f.name), getattr(b, f.name), t) for f in fields(a)})


def _turn(a: float, b: float) -> float:
    """The shorter way round from direction a to direction b, in degrees (357.8 is -2.2)."""
    return (b - a + 180.0) % 360.0 - 180.0


def pose_between(start: Pose, end: Pose, t: float) -> Pose:
    """The pose a fraction ``t`` of the way from ``start`` to ``end`` (joint angles mixed; the
    trunk, a direction, turns the shorter way round)."""
    base = start if t < 0.5 else end
    values: dict[str, Any] = {
        name: _lerp(getattr(start, name), getattr(end, name), t) for name in ("spine", "neck")
    }
    values["trunk"] = start.trunk + _turn(start.trunk, end.trunk) * t
    for limb in ("near_arm", "far_arm", "near_leg", "far_leg"):
        values[limb] = _mix(getattr(start, limb), getattr(end, limb), t)
    return replace(base, **values)


def _moved(fig: Figure, dx: float, dy: float) -> Figure:
    return Figure(
        tuple(p.moved(dx, dy) for p in fig.parts),
        {k: (x + dx, y + dy) for k, (x, y) in fig.points.items()},
    )


def figure_between(start: Pose, end: Pose, t: float, *, in_place: bool = False) -> Figure:
    """The figure at ``t``, placed continuously: the start pose's placement (which point sits at
    ``x``, what rests on the floor) blends into the end pose's, so ``t=0`` is exactly
    ``figure(start)`` and ``t=1`` exactly ``figure(end)``. ``in_place`` keeps the start's
    placement throughout (a drawing that shows the two positions side by side)."""
    pose = pose_between(start, end, t)
    placed_as_start = figure(
        replace(pose, x=start.x, x_on=start.x_on, rest_on=start.rest_on, ground=start.ground)
    )
    if in_place:
        return placed_as_start
    placed_as_end = figure(
        replace(pose, x=end.x, x_on=end.x_on, rest_on=end.rest_on, ground=end.ground)
    )
    (x0, y0), (x1, y1) = placed_as_start.points["pelvis"], placed_as_end.points["pelvis"]
    return _moved(placed_as_start, (x1 - x0) * t, (y1 - y0) * t)


# --- reading the still drawing ------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _element_points(el: ET.Element) -> list[tuple[float, float]]:
    tag = el.tag.rsplit("}", 1)[-1]
    if tag == "polyline":
        numbers = [float(n) for n in _NUMBER.findall(el.get("points", ""))]
    elif tag == "path":
        numbers = [float(n) for n in _NUMBER.findall(el.get("d", ""))]
    elif tag == "circle":
        numbers = [float(el.attrib["cx"]), float(el.attrib["cy"])]
    elif tag == "line":
        numbers = [float(el.attrib[k]) for k in ("x1", "y1", "x2", "y2")]
    else:
        raise ValueError(f"unexpected <{tag}> in a figure")
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def _world_points(fig: Figure, ill: Illustration) -> list[list[tuple[float, float]]]:
    """Per drawn element of a figure group, its world points, in the drawing's order."""
    out = [list(part.points) for part in fig.parts]
    for prop in ill.props:
        if isinstance(prop, Strap):
            out.append([fig.points[prop.hand], fig.points[prop.foot]])
    return out


def _fit(group: ET.Element, fig: Figure, ill: Illustration) -> tuple[float, float, float]:
    """(a, b, top) with svg_x = a·x + b and svg_y = top − y, read from a drawn figure group:
    a = −1 where the drawing is mirrored."""
    drawn = [p for el in group for p in _element_points(el)]
    world = [p for pts in _world_points(fig, ill) for p in pts]
    if len(drawn) != len(world):
        raise ValueError("the drawing's figure does not match the pose")
    best = None
    for a in (1.0, -1.0):
        b = sum(sx - a * wx for (sx, _), (wx, _) in zip(drawn, world, strict=True)) / len(world)
        error = max(abs(sx - a * wx - b) for (sx, _), (wx, _) in zip(drawn, world, strict=True))
        if best is None or error < best[0]:
            best = (error, a, b)
    assert best is not None  # at least one candidate scale was tried
    error, a, b = best
    top = sum(sy + wy for (_, sy), (_, wy) in zip(drawn, world, strict=True)) / len(world)
    y_error = max(abs(sy + wy - top) for (_, sy), (_, wy) in zip(drawn, world, strict=True))
    if max(error, y_error) > _MAX_FIT_ERROR:
        raise ValueError("the drawing's figure does not match the pose")
    return a, b, top


# --- writing the animation ------------------------------------------------------------------------


def _num(v: float) -> str:
    s = f"{v:.1f}"
    if s in ("-0.0", "0.0"):
        return "0"
    return s[:-2] if s.endswith(".0") else s


def _geometry(tag: str, points: list[tuple[float, float]]) -> dict[str, str]:
    """The attribute(s) that draw an element through these (svg) points."""
    xy = [(_num(x), _num(y)) for x, y in points]
    if tag == "polyline":
        return {"points": " ".join(f"{x},{y}" for x, y in xy)}
    if tag == "path":
        (x0, y0), (cx, cy), (x1, y1) = xy
        return {"d": f"M{x0} {y0}Q{cx} {cy} {x1} {y1}"}
    if tag == "circle":
        ((x, y),) = xy
        return {"cx": x, "cy": y}
    (x1, y1), (x2, y2) = xy
    return {"x1": x1, "y1": y1, "x2": x2, "y2": y2}


def _key_times() -> list[float]:
    forward = [_MOVE * k / (FRAMES - 1) for k in range(FRAMES)]
    back = [0.5 + t for t in forward]
    return [*forward, *back, 1.0]


def _cycle(frames: list) -> list:
    """Forward frames, then back (the end pose held until 0.5, the start pose held at the end)."""
    return [*frames, *reversed(frames), frames[0]]


def animated_svg(ill: Illustration) -> str:
    """The illustration as an animated SVG document (string). ValueError if it can't be drawn."""
    still = render_illustration(ill)
    root = ET.fromstring(still)
    # Plain tag names and an explicit xmlns: ElementTree's prefix registry is global (WeasyPrint
    # changes it when it loads), and a prefixed <ns0:svg> is not SVG inside an HTML page.
    for element in root.iter():
        element.tag = element.tag.rsplit("}", 1)[-1]
    root.set("xmlns", SVG_NS)
    groups = {g.get("class"): g for g in root.iter("g")}
    start_group, end_group = groups.get("figure start"), groups.get("figure end")
    if start_group is None or end_group is None:
        raise ValueError(f"{ill.code}: no start and end figure in the drawing")
    a_start, b_start, top = _fit(start_group, figure(ill.start), ill)
    a_end, b_end, _ = _fit(end_group, figure(ill.end), ill)
    if a_start != a_end:
        raise ValueError(f"{ill.code}: start and end are mirrored differently")

    # Start faded behind the finish (overlay): the finish figure moves out of the faded one and
    # back. Two positions side by side (sequence): the first one moves, in place, into the
    # second position and back; the second stays as the still reference.
    in_place = ill.style == "sequence"
    moving = start_group if in_place else end_group
    steps = [_ease(k / (FRAMES - 1)) for k in range(FRAMES)]
    frames = []  # per frame: per element, svg points
    for t in steps:
        fig = figure_between(ill.start, ill.end, t, in_place=in_place)
        b = b_start if in_place else _lerp(b_start, b_end, t)
        frames.append(
            [[(a_end * x + b, top - y) for x, y in pts] for pts in _world_points(fig, ill)]
        )
    key_times = ";".join(f"{k:.3f}".rstrip("0").rstrip(".") or "0" for k in _key_times())
    # The ends are the drawing's own numbers (computed ones can differ by a rounding step).
    first_drawn = list(start_group)
    last_drawn = None if in_place else list(end_group)
    for index, element in enumerate(list(moving)):
        tag = element.tag.rsplit("}", 1)[-1]
        per_frame = [_geometry(tag, frame[index]) for frame in frames]
        per_frame[0] = {k: first_drawn[index].attrib[k] for k in per_frame[0]}
        if last_drawn is not None:
            per_frame[-1] = {k: last_drawn[index].attrib[k] for k in per_frame[-1]}
        for attribute in per_frame[0]:
            values = [g[attribute] for g in _cycle(per_frame)]
            if len(set(values)) == 1:
                continue  # this part does not move
            ET.SubElement(
                element,
                "animate",
                {
                    "attributeName": attribute,
                    "values": ";".join(values),
                    "keyTimes": key_times,
                    "dur": f"{DURATION_S:g}s",
                    "repeatCount": "indefinite",
                    "calcMode": "linear",
                },
            )
    moving.set("class", moving.get("class", "") + " moving")
    for name in ("width", "height"):  # sized by the page's CSS
        root.attrib.pop(name, None)
    root.set("class", "exercise-animation")
    title = root.find("title")
    if title is not None and title.text:
        title.text = f"{title.text} (moving picture)"
    return ET.tostring(root, encoding="unicode")


def animated_illustration_svg(code: str, side: str | None = None) -> str:
    """The moving picture of an exercise code ("left"/"right" mirror and label one-sided ones,
    as in the PDF); KeyError for an unknown code, ValueError if it can't be animated."""
    ill = ILLUSTRATIONS[code]
    chosen = side.strip().lower() if isinstance(side, str) else None
    return animated_svg(ill.for_side(chosen if chosen in ("left", "right") else None))
