"""Draw simple exercise illustrations from joint angles, as standalone SVG.

Pure Python (standard library only) so it can be used by the PDF export, the
web pages and the tests without Flask.

The figure is drawn in a 2-D "world" in which a standing figure is about 100
units tall: x grows to the right, y grows *upwards* and the floor is y = 0.
Every picture is ``VIEW_W`` (180) units wide, so figures have the same size in
every illustration when the SVGs are printed at the same width (75 mm by
default, about the width of an exercise card on A4).

Style: a floor line; the figure as thick round-capped strokes (torso, limbs)
and a round head, dark grey, with the far-side limbs lighter; the moving parts
and the movement arrow in one accent colour; the start position faded behind
the finish position (or both solid, side by side, for a "sequence"); flat
colours only (no gradients, no transparency).

Angles (degrees)
----------------
``Pose.trunk`` is the direction of the line from the pelvis to the shoulders,
measured anticlockwise from the direction the figure faces: 90 = upright,
0 = lying face down with the head forward, 180 = lying on the back.  With
``facing="right"`` the figure's *right* side is the near side (drawn on top)
and the figure is mirrored for ``facing="left"``.

All other angles are joint angles relative to the parent segment:

* ``spine``  +: back rounds (flexion), -: back arches (extension)
* ``neck``   +: chin towards chest
* shoulder   0: arm along the trunk towards the hips, 90: arm forwards, 180: overhead
* elbow      0: straight, + bends the forearm forwards
* wrist      + bends the hand towards the palm side (forwards)
* hip        0: thigh in line with the trunk, +: thigh forwards, -: backwards
* knee       0: straight, + bends (only ever backwards: negative is refused)
* ankle      0: foot at a right angle to the shin, +: toes up, -: toes pointed

Segments can be foreshortened (``*_scale``) for limbs that point towards or
away from the viewer, e.g. in side-lying exercises seen from the front.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal
from xml.sax.saxutils import escape

Point = tuple[float, float]

# --- body proportions (world units) ------------------------------------------
TORSO = 30.0
UPPER_ARM = 16.0
FOREARM = 14.0
HAND = 4.5
THIGH = 24.0
SHIN = 23.0
FOOT = 8.0
HEEL = 2.0
HEAD_R = 7.0
NECK_GAP = 1.6

TORSO_W = 14.0
ARM_W = 5.6
LEG_W = 7.4
FOOT_W = 4.6

# --- picture ------------------------------------------------------------------
VIEW_W = 180.0
DEFAULT_WIDTH_MM = 75.0
MARGIN = 3.0
LABEL_SIZE = 10.0
NOTE_SIZE = 8.5
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"

ACCENT = "#0f766e"
FLOOR_COLOUR = "#6b7280"
PROP_FILL = "#e5e7eb"
PROP_STROKE = "#6b7280"
TEXT_COLOUR = "#374151"

#: colours by tone ("end" = finish position, solid; "start" = faded)
TONES: dict[str, dict[str, str]] = {
    "end": {"body": "#374151", "far": "#9ca3af", "accent": ACCENT, "accent_far": "#6fb1a9"},
    # the start pose: light enough to read as "behind", dark enough to see at print size
    # (issue 13: a faint start pose was easy to miss), and named in a legend under the floor
    "start": {"body": "#aab2bd", "far": "#ccd2da", "accent": "#86c3bb", "accent_far": "#b9ddd8"},
}

PARTS = ("far_leg", "far_arm", "torso", "head", "near_leg", "near_arm")
LIMITS = {
    "shoulder": (-90.0, 200.0),
    "elbow": (0.0, 160.0),
    "wrist": (-90.0, 100.0),
    "hip": (-45.0, 170.0),
    "knee": (0.0, 165.0),
    "ankle": (-95.0, 40.0),
    "spine": (-45.0, 60.0),
    "neck": (-60.0, 60.0),
}


def _check(name: str, value: float) -> None:
    low, high = LIMITS[name]
    if not low <= value <= high:
        raise ValueError(f"{name} angle {value} outside {low}..{high}")


@dataclass(frozen=True)
class Arm:
    shoulder: float = 0.0
    elbow: float = 0.0
    wrist: float = 0.0
    upper_scale: float = 1.0
    fore_scale: float = 1.0

    def __post_init__(self) -> None:
        for name in ("shoulder", "elbow", "wrist"):
            _check(name, getattr(self, name))


@dataclass(frozen=True)
class Leg:
    hip: float = 0.0
    knee: float = 0.0
    ankle: float = 0.0
    thigh_scale: float = 1.0
    shin_scale: float = 1.0
    foot_scale: float = 1.0

    def __post_init__(self) -> None:
        for name in ("hip", "knee", "ankle"):
            _check(name, getattr(self, name))


@dataclass(frozen=True)
class Pose:
    """One body position.

    ``x`` places the body point ``x_on`` (the pelvis unless told otherwise);
    the figure is then raised or lowered until its lowest point (or the lowest
    point of ``rest_on``, a body point or part) sits at height ``ground``, so
    nothing floats above or sinks through the floor.
    """

    trunk: float = 90.0
    spine: float = 0.0
    neck: float = 0.0
    near_arm: Arm = field(default_factory=Arm)
    far_arm: Arm = field(default_factory=Arm)
    near_leg: Leg = field(default_factory=Leg)
    far_leg: Leg = field(default_factory=Leg)
    x: float = 100.0
    #: the body point placed at ``x`` (e.g. a foot that must not slide between poses)
    x_on: str = "pelvis"
    facing: Literal["right", "left"] = "right"
    ground: float = 0.0
    rest_on: str | None = None
    #: body points that touch a surface, checked by the tests: a name means
    #: "touches ``ground``"; ``(name, height)`` names the surface height.
    contacts: tuple[str | tuple[str, float], ...] = ()
    #: draw far limbs lighter (a 3-D cue for side views); False for figures seen
    #: from the front, where "far" limbs are simply the lower ones
    depth: bool = True

    def __post_init__(self) -> None:
        _check("spine", self.spine)
        _check("neck", self.neck)
        if self.facing not in ("right", "left"):
            raise ValueError(f"facing must be 'right' or 'left', not {self.facing!r}")


# --- props, arrows, notes -----------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A step or box standing on the floor (world units)."""

    x: float
    width: float
    height: float


@dataclass(frozen=True)
class Strap:
    """A strap held in the hands and looped round a foot, drawn for each pose."""

    hand: str = "near_wrist"
    foot: str = "near_sole"


@dataclass(frozen=True)
class Cushion:
    """A small pad on the floor (e.g. under a kneeling knee)."""

    x: float
    width: float = 16.0
    height: float = 3.0


@dataclass(frozen=True)
class Metronome:
    """A small metronome symbol; ``(x, y)`` is the middle of its base."""

    x: float
    y: float = 0.0
    size: float = 22.0


Prop = Box | Strap | Cushion | Metronome


@dataclass(frozen=True)
class Arrow:
    """A movement arrow.

    With ``joint`` the arrow runs from that body point in the start pose to
    the same point in the end pose; ``start``/``end`` give world points instead
    (they win over ``joint``).  ``offset`` shifts both ends (to keep the arrow
    clear of the body), ``bend`` bulges it sideways as a fraction of its length
    (positive = to the left of the direction of travel), ``trim`` shortens both
    ends and ``both_ends`` puts a head at each end (back-and-forth movements).
    """

    joint: str | None = None
    #: "move": from ``joint`` in the start pose to ``joint`` in the end pose;
    #: "start"/"end": both ends relative to ``joint`` in that one pose (a
    #: direction arrow next to a body part, e.g. "lift the hips")
    anchor: Literal["move", "start", "end"] = "move"
    start: Point | None = None
    end: Point | None = None
    offset: Point = (0.0, 0.0)
    start_offset: Point = (0.0, 0.0)
    end_offset: Point = (0.0, 0.0)
    bend: float = 0.25
    trim: float = 0.0
    both_ends: bool = False


@dataclass(frozen=True)
class Note:
    """A short caption in world coordinates (y < 0 is below the floor)."""

    text: str
    x: float
    y: float = -8.5
    tone: Literal["end", "start", "accent"] = "end"
    anchor: Literal["start", "middle", "end"] = "middle"
    size: float = NOTE_SIZE


@dataclass(frozen=True)
class Illustration:
    """An exercise picture: two poses plus arrows, props and captions.

    ``style="overlay"`` draws the start pose faded behind the solid end pose;
    ``style="sequence"`` draws both solid (poses placed side by side).
    ``accent`` names the parts drawn in the accent colour (the moving ones).
    ``label`` is the side label shown at the top left; ``mirror`` flips the
    picture left-right (text is never mirrored).
    """

    code: str
    name: str
    description: str
    start: Pose
    end: Pose
    arrows: tuple[Arrow, ...] = ()
    props: tuple[Prop, ...] = ()
    notes: tuple[Note, ...] = ()
    accent: tuple[str, ...] = ()
    style: Literal["overlay", "sequence"] = "overlay"
    #: template for the side label, e.g. "Lift {side} leg + {other} arm";
    #: None when the side does not matter.  The data is drawn for side "right".
    side_text: str | None = None
    #: label when a sided exercise is shown without a side
    both_text: str = "Do both sides"
    label: str | None = None
    mirror: bool = False

    def __post_init__(self) -> None:
        unknown = set(self.accent) - set(PARTS)
        if unknown:
            raise ValueError(f"unknown accent parts {sorted(unknown)}")
        if self.style not in ("overlay", "sequence"):
            raise ValueError(f"unknown style {self.style!r}")

    @property
    def sided(self) -> bool:
        return self.side_text is not None

    def for_side(self, side: str | None) -> Illustration:
        """Return a copy mirrored and labelled for ``side`` ("left"/"right"/None)."""
        if not self.sided:
            return self
        if side is None:
            return replace(self, label=self.both_text, mirror=False)
        if side not in ("left", "right"):
            raise ValueError(f"side must be 'left', 'right' or None, not {side!r}")
        other = "left" if side == "right" else "right"
        text = self.side_text.format(side=side, other=other)  # type: ignore[union-attr]
        return replace(self, label=text[:1].upper() + text[1:], mirror=side == "left")


# --- geometry -----------------------------------------------------------------


def _dir(deg: float) -> Point:
    r = math.radians(deg)
    return (math.cos(r), math.sin(r))


def _add(p: Point, d: Point, k: float = 1.0) -> Point:
    return (p[0] + d[0] * k, p[1] + d[1] * k)


def _quad(p0: Point, c: Point, p1: Point, t: float) -> Point:
    u = 1.0 - t
    return (
        u * u * p0[0] + 2 * u * t * c[0] + t * t * p1[0],
        u * u * p0[1] + 2 * u * t * c[1] + t * t * p1[1],
    )


@dataclass(frozen=True)
class Part:
    """One drawable piece of a figure."""

    group: str  # one of PARTS
    kind: Literal["line", "quad", "circle"]
    points: tuple[Point, ...]
    width: float  # stroke width, or radius for circles
    far: bool = False

    def extent_points(self) -> Iterable[tuple[Point, float]]:
        """Points with the radius the drawn shape reaches around them."""
        if self.kind == "circle":
            yield self.points[0], self.width
        elif self.kind == "quad":
            p0, c, p1 = self.points
            for i in range(11):
                yield _quad(p0, c, p1, i / 10), self.width / 2
        else:
            for p in self.points:
                yield p, self.width / 2

    def moved(self, dx: float, dy: float, mirror_about: float | None = None) -> Part:
        pts = []
        for x, y in self.points:
            if mirror_about is not None:
                x = 2 * mirror_about - x
            pts.append((x + dx, y + dy))
        return replace(self, points=tuple(pts))


@dataclass(frozen=True)
class Figure:
    parts: tuple[Part, ...]
    points: dict[str, Point]

    def lowest(self, group: str | None = None) -> float:
        return min(
            p[1] - r
            for part in self.parts
            if group is None or part.group == group
            for p, r in part.extent_points()
        )


def _raw_figure(pose: Pose) -> Figure:
    """Forward kinematics with the pelvis at (0, 0), facing right."""
    hip: Point = (0.0, 0.0)
    t = pose.trunk
    shoulder = _add(hip, _dir(t), TORSO)
    posterior = _dir(t + 90)
    bulge = (TORSO / 2) * math.tan(math.radians(pose.spine / 2))
    mid = ((hip[0] + shoulder[0]) / 2, (hip[1] + shoulder[1]) / 2)
    control = _add(mid, posterior, bulge)
    head_dir = t - pose.spine / 2 - pose.neck
    head = _add(shoulder, _dir(head_dir), TORSO_W / 2 + NECK_GAP + HEAD_R)
    spine_mid = _quad(hip, control, shoulder, 0.5)

    points: dict[str, Point] = {
        "pelvis": hip,
        "shoulder": shoulder,
        "head": head,
        "head_top": _add(head, _dir(head_dir), HEAD_R),
        "chest": _quad(hip, control, shoulder, 0.7),
        "back": _add(spine_mid, posterior, TORSO_W / 2),
        "belly": _add(spine_mid, posterior, -TORSO_W / 2),
    }
    parts: list[Part] = []

    for side in ("far", "near"):
        leg: Leg = getattr(pose, f"{side}_leg")
        thigh = t + 180 + leg.hip
        knee = _add(hip, _dir(thigh), THIGH * leg.thigh_scale)
        shin = thigh - leg.knee
        ankle = _add(knee, _dir(shin), SHIN * leg.shin_scale)
        foot = shin + 90 + leg.ankle
        heel = _add(ankle, _dir(foot), -HEEL * leg.foot_scale)
        toe = _add(ankle, _dir(foot), FOOT * leg.foot_scale)
        sole = _add(
            _add(ankle, _dir(foot), FOOT * 0.55 * leg.foot_scale), _dir(foot - 90), FOOT_W / 2
        )
        # stop the (wider) shin short of the ankle so its round end never pokes out below the foot
        shin_end = _add(ankle, _dir(shin), -(LEG_W - FOOT_W) / 2)
        points.update(
            {
                f"{side}_shin_end": shin_end,
                f"{side}_knee": knee,
                f"{side}_ankle": ankle,
                f"{side}_heel": heel,
                f"{side}_toe": toe,
                f"{side}_sole": sole,
            }
        )
        arm: Arm = getattr(pose, f"{side}_arm")
        upper = t + 180 + arm.shoulder
        elbow = _add(shoulder, _dir(upper), UPPER_ARM * arm.upper_scale)
        fore = upper + arm.elbow
        wrist = _add(elbow, _dir(fore), FOREARM * arm.fore_scale)
        hand = _add(wrist, _dir(fore + arm.wrist), HAND)
        points.update({f"{side}_elbow": elbow, f"{side}_wrist": wrist, f"{side}_hand": hand})

    for side in ("far", "near"):
        p = points
        leg_parts = (
            Part(
                f"{side}_leg",
                "line",
                (hip, p[f"{side}_knee"], p[f"{side}_shin_end"]),
                LEG_W,
                side == "far",
            ),
            Part(
                f"{side}_leg", "line", (p[f"{side}_heel"], p[f"{side}_toe"]), FOOT_W, side == "far"
            ),
        )
        arm_part = Part(
            f"{side}_arm",
            "line",
            (shoulder, p[f"{side}_elbow"], p[f"{side}_wrist"], p[f"{side}_hand"]),
            ARM_W,
            side == "far",
        )
        # drawing order: far leg, far arm, torso, near leg, near arm (then the head)
        parts.extend(leg_parts)
        parts.append(arm_part)
        if side == "far":
            parts.append(Part("torso", "quad", (hip, control, shoulder), TORSO_W))
    # the head goes on top: an arm reaching past it (child's pose) reads as the head resting on it
    parts.append(Part("head", "circle", (head,), HEAD_R))
    return Figure(tuple(parts), points)


def figure(pose: Pose) -> Figure:
    """Forward kinematics: the posed, placed and grounded figure."""
    raw = _raw_figure(pose)
    mirror = 0.0 if pose.facing == "left" else None
    parts = [p.moved(0, 0, mirror) for p in raw.parts]
    points = {k: ((-x if mirror is not None else x), y) for k, (x, y) in raw.points.items()}
    placed = Figure(tuple(parts), points)
    if pose.rest_on is None:
        low = placed.lowest()
    elif pose.rest_on in PARTS:
        low = placed.lowest(pose.rest_on)
    else:
        low = _point_bottom(placed, pose.rest_on)
    dx, dy = pose.x - placed.points[pose.x_on][0], pose.ground - low
    return Figure(
        tuple(p.moved(dx, dy) for p in placed.parts),
        {k: (x + dx, y + dy) for k, (x, y) in placed.points.items()},
    )


def _point_bottom(fig: Figure, name: str) -> float:
    """Lowest drawn extent of a named body point (point minus stroke radius)."""
    radius = {"head": HEAD_R, "pelvis": TORSO_W / 2, "shoulder": TORSO_W / 2}
    if name.endswith(("_toe", "_heel")):
        r = FOOT_W / 2
    elif name.endswith(("_knee", "_ankle")):
        r = LEG_W / 2
    elif name.endswith(("_elbow", "_wrist", "_hand")):
        r = ARM_W / 2
    else:
        r = radius.get(name, 0.0)
    return fig.points[name][1] - r


def contact_gap(pose: Pose, name: str, level: float | None = None) -> float:
    """How far the named body point floats above ``level`` (default: the pose's
    ground); 0 = touching, negative = sunk into it."""
    return _point_bottom(figure(pose), name) - (pose.ground if level is None else level)


# --- SVG output ---------------------------------------------------------------


def _num(v: float) -> str:
    s = f"{v:.1f}"
    if s in ("-0.0", "0.0"):
        return "0"
    return s[:-2] if s.endswith(".0") else s


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """Rough width of a line of sans-serif text (for layout only)."""
    return len(text) * size * (0.62 if bold else 0.56)


class _Box:
    """Bounding box of everything drawn, in world units."""

    def __init__(self) -> None:
        self.x0 = self.y0 = math.inf
        self.x1 = self.y1 = -math.inf

    def add(self, x: float, y: float, r: float = 0.0) -> None:
        self.x0, self.x1 = min(self.x0, x - r), max(self.x1, x + r)
        self.y0, self.y1 = min(self.y0, y - r), max(self.y1, y + r)


def _colour(part: Part, tone: str, accent: tuple[str, ...], depth: bool) -> str:
    colours = TONES[tone]
    far = part.far and depth
    if part.group in accent:
        return colours["accent_far" if far else "accent"]
    return colours["far" if far else "body"]


HEAD_LEN = 6.5
HEAD_HALF = 3.6
ARROW_W = 2.2


def _arrow_points(arrow: Arrow, start: Figure, end: Figure) -> tuple[Point, Point]:
    first = end if arrow.anchor == "end" else start
    second = start if arrow.anchor == "start" else end
    if arrow.start is not None:
        p0 = arrow.start
    elif arrow.joint is not None:
        p0 = first.points[arrow.joint]
    else:
        raise ValueError("arrow needs a joint or start/end points")
    if arrow.end is not None:
        p1 = arrow.end
    elif arrow.joint is not None:
        p1 = second.points[arrow.joint]
    else:
        raise ValueError("arrow needs a joint or start/end points")
    p0 = _add(_add(p0, arrow.offset), arrow.start_offset)
    p1 = _add(_add(p1, arrow.offset), arrow.end_offset)
    return p0, p1


def _arrow_geometry(arrow: Arrow, start: Figure, end: Figure):
    """Shaft (quadratic curve: start, control, end) and heads (tip, left, right)."""
    p0, p1 = _arrow_points(arrow, start, end)
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    length = math.hypot(dx, dy)
    if length - 2 * arrow.trim < HEAD_LEN * (2 if arrow.both_ends else 1.2):
        raise ValueError(f"arrow too short to draw ({length:.1f} units)")
    ux, uy = dx / length, dy / length
    p0 = _add(p0, (ux, uy), arrow.trim)
    p1 = _add(p1, (ux, uy), -arrow.trim)
    length -= 2 * arrow.trim
    mid = ((p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2)
    control = _add(mid, (-uy, ux), arrow.bend * length)
    shaft = [p0, control, p1]
    heads = []
    for index, tip in ((2, p1), (0, p0)) if arrow.both_ends else ((2, p1),):
        tx, ty = tip[0] - control[0], tip[1] - control[1]
        n = math.hypot(tx, ty) or 1.0
        tx, ty = tx / n, ty / n
        base = _add(tip, (tx, ty), -HEAD_LEN)
        heads.append((tip, _add(base, (-ty, tx), HEAD_HALF), _add(base, (ty, -tx), HEAD_HALF)))
        # end the shaft inside the head so its round cap cannot poke out past the tip
        shaft[index] = _add(tip, (tx, ty), -HEAD_LEN * 0.7)
    return tuple(shaft), heads


def layout_box(illustration: Illustration) -> tuple[float, float, float, float]:
    """World-unit bounding box (x0, y0, x1, y1) of everything an illustration draws
    except the floor line and the side label."""
    return _layout(illustration)[0]


def _extent(fig: Figure) -> tuple[float, float]:
    xs = [(p[0] - r, p[0] + r) for part in fig.parts for p, r in part.extent_points()]
    return min(x for x, _ in xs), max(x for _, x in xs)


def _mirror(ill: Illustration, start: Figure, end: Figure):
    """The left-right flip used for ``ill.mirror`` (a function of world x).

    An overlay flips as a whole.  A sequence flips each figure in place, so the
    start position stays on the left and the picture still reads left to right.
    """
    if not ill.mirror:
        return lambda x: x
    if ill.style == "sequence":
        s0, s1 = _extent(start)
        e0, e1 = _extent(end)
        if s1 <= e0:
            split = (s1 + e0) / 2
            return lambda x: (s0 + s1 - x) if x < split else (e0 + e1 - x)
    return lambda x: -x


def _layout(ill: Illustration):
    start_fig = figure(ill.start)
    end_fig = figure(ill.end)
    mx = _mirror(ill, start_fig, end_fig)
    box = _Box()

    def add(x: float, y: float, r: float = 0.0) -> None:
        box.add(mx(x), y, r)

    for fig in (start_fig, end_fig):
        for part in fig.parts:
            for p, r in part.extent_points():
                add(p[0], p[1], r)
        for prop in ill.props:
            if isinstance(prop, Strap):
                for name in (prop.hand, prop.foot):
                    add(*fig.points[name])
    try:
        arrows = [_arrow_geometry(a, start_fig, end_fig) for a in ill.arrows]
    except ValueError as exc:
        raise ValueError(f"{ill.code}: {exc}") from None
    for shaft, heads in arrows:
        for p in list(shaft) + [q for h in heads for q in h]:
            add(p[0], p[1], ARROW_W / 2)
    for prop in ill.props:
        if isinstance(prop, Box):
            add(prop.x, 0)
            add(prop.x + prop.width, prop.height)
        elif isinstance(prop, Cushion):
            add(prop.x - prop.width / 2, 0)
            add(prop.x + prop.width / 2, prop.height)
        elif isinstance(prop, Metronome):
            add(prop.x - prop.size * 0.35, prop.y)
            add(prop.x + prop.size * 0.5, prop.y + prop.size * 0.9)
    for note in ill.notes:
        w = _text_width(note.text, note.size)
        x = mx(note.x)
        left = {"start": 0.0, "middle": w / 2, "end": w}[_anchor(note, ill.mirror)]
        box.add(x - left, note.y - note.size * 0.3)
        box.add(x - left + w, note.y + note.size * 0.8)
    return (box.x0, box.y0, box.x1, box.y1), start_fig, end_fig, arrows, mx


def _anchor(note: Note, mirror: bool) -> str:
    if mirror and note.anchor != "middle":
        return "end" if note.anchor == "start" else "start"
    return note.anchor


def _open(name: str, attrs: dict[str, object]) -> str:
    """An opening tag; attribute values are escaped, numbers rounded."""
    parts = [name]
    for key, value in attrs.items():
        shown = _num(value) if isinstance(value, float | int) else str(value)
        parts.append(f'{key}="{escape(shown, {chr(34): "&quot;"})}"')
    return f"<{' '.join(parts)}>"


def _tag(name: str, attrs: dict[str, object], text: str | None = None) -> str:
    """One SVG element: empty (``<line .../>``) or holding escaped text."""
    if text is None:
        return _open(name, attrs)[:-1] + "/>"
    return f"{_open(name, attrs)}{escape(text)}</{name}>"


ROUND = {"stroke-linecap": "round", "stroke-linejoin": "round"}


def render_illustration(
    illustration: Illustration, width_mm: float = DEFAULT_WIDTH_MM, *, legend: bool = True
) -> str:
    """Render an illustration as a complete standalone SVG document (string).

    Every picture is ``VIEW_W`` units wide (the figure has the same size in
    every picture) and as tall as its content; the content is centred.
    """
    ill = illustration
    (x0, y0, x1, y1), start_fig, end_fig, arrows, mx = _layout(ill)
    if x1 - x0 > VIEW_W - 2 * MARGIN:
        raise ValueError(f"{ill.code}: drawing is {x1 - x0:.0f} units wide, more than fits")
    shift = VIEW_W / 2 - (x0 + x1) / 2
    label_h = LABEL_SIZE + 3 if ill.label else 0.0
    top = y1 + MARGIN + label_h
    # an overlay names its two tones under the floor: "Start" (light) and "Finish" (dark)
    legend = legend and ill.style == "overlay"
    bottom = min(y0, LEGEND_Y - NOTE_SIZE * 0.35 if legend else -2.0) - MARGIN
    height = top - bottom
    start_tone = "start" if ill.style == "overlay" else "end"

    def fx(x: float) -> float:
        return mx(x) + shift

    def sx(x: float) -> str:
        return _num(fx(x))

    def sy(y: float) -> str:
        return _num(top - y)

    def xy(p: Point) -> str:
        return f"{sx(p[0])} {sy(p[1])}"

    def curve(p0: Point, c: Point, p1: Point) -> str:
        return f"M{xy(p0)}Q{xy(c)} {xy(p1)}"

    title = ill.name + (f": {ill.label[:1].lower()}{ill.label[1:]}" if ill.label else "")
    svg_attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "version": "1.1",
        "viewBox": f"0 0 {_num(VIEW_W)} {_num(height)}",
        "width": f"{_num(width_mm)}mm",
        "height": f"{_num(width_mm * height / VIEW_W)}mm",
        "role": "img",
        "class": "exercise-illustration",
        "data-exercise": ill.code,
    }
    out: list[str] = [
        _open("svg", svg_attrs),
        _tag("title", {}, title),
        _tag("desc", {}, ill.description),
        _tag(
            "line",
            {
                "class": "floor",
                "x1": MARGIN,
                "y1": sy(0),
                "x2": VIEW_W - MARGIN,
                "y2": sy(0),
                "stroke": FLOOR_COLOUR,
                "stroke-width": 1.6,
                "stroke-linecap": "round",
            },
        ),
    ]

    def rect(cls: str, left: float, right: float, h: float, rx: float) -> str:
        a, b = sorted((fx(left), fx(right)))
        attrs = {"class": f"prop {cls}", "x": a, "y": sy(h), "width": b - a, "height": h, "rx": rx}
        return _tag("rect", attrs | {"fill": PROP_FILL, "stroke": PROP_STROKE, "stroke-width": 1.2})

    for prop in ill.props:
        if isinstance(prop, Box):
            out.append(rect("box", prop.x, prop.x + prop.width, prop.height, 1))
        elif isinstance(prop, Cushion):
            out.append(
                rect("cushion", prop.x - prop.width / 2, prop.x + prop.width / 2, prop.height, 1.5)
            )
        elif isinstance(prop, Metronome):
            out.append(_metronome(prop, sx, sy))

    def draw_figure(fig: Figure, pose: Pose, tone: str, cls: str) -> None:
        out.append(f'<g class="figure {cls}">')
        for part in fig.parts:
            colour = _colour(part, tone, ill.accent, pose.depth)
            if part.kind == "circle":
                (c,) = part.points
                out.append(
                    _tag(
                        "circle", {"cx": sx(c[0]), "cy": sy(c[1]), "r": part.width, "fill": colour}
                    )
                )
                continue
            if part.kind == "quad":
                shape = {"d": curve(*part.points)}
            else:
                shape = {"points": " ".join(f"{sx(x)},{sy(y)}" for x, y in part.points)}
            stroke = {"fill": "none", "stroke": colour, "stroke-width": part.width} | ROUND
            out.append(_tag("path" if part.kind == "quad" else "polyline", shape | stroke))
        for prop in ill.props:
            if isinstance(prop, Strap):
                (ax, ay), (bx, by) = fig.points[prop.hand], fig.points[prop.foot]
                line = {
                    "class": "prop strap",
                    "x1": sx(ax),
                    "y1": sy(ay),
                    "x2": sx(bx),
                    "y2": sy(by),
                }
                stroke = {
                    "stroke": TONES[tone]["body"],
                    "stroke-width": 1.8,
                    "stroke-linecap": "round",
                }
                out.append(_tag("line", line | stroke))
        out.append("</g>")

    draw_figure(start_fig, ill.start, start_tone, "start")
    draw_figure(end_fig, ill.end, "end", "end")

    for shaft, heads in arrows:
        out.append('<g class="arrow">')
        line = {"class": "arrow-line", "d": curve(*shaft), "fill": "none", "stroke": ACCENT}
        out.append(_tag("path", line | {"stroke-width": ARROW_W, "stroke-linecap": "round"}))
        for tip, left, right in heads:
            head = {"class": "arrow-head", "d": f"M{xy(tip)}L{xy(left)}L{xy(right)}Z"}
            paint = {
                "fill": ACCENT,
                "stroke": ACCENT,
                "stroke-width": 0.8,
                "stroke-linejoin": "round",
            }
            out.append(_tag("path", head | paint))
        out.append("</g>")

    for note in ill.notes:
        colour = {"end": TEXT_COLOUR, "start": "#6b7280", "accent": ACCENT}[note.tone]
        attrs = {"class": "note", "x": sx(note.x), "y": sy(note.y), "font-family": FONT}
        style = {"font-size": note.size, "fill": colour, "text-anchor": _anchor(note, ill.mirror)}
        out.append(_tag("text", attrs | style, note.text))

    if legend:
        out.append(_legend(sx, sy))

    if ill.label:
        attrs = {
            "class": "side-label",
            "x": MARGIN + 1,
            "y": MARGIN + LABEL_SIZE,
            "font-family": FONT,
        }
        style = {"font-size": LABEL_SIZE, "font-weight": "bold", "fill": ACCENT}
        out.append(_tag("text", attrs | style, ill.label))
    out.append("</svg>")
    return "\n".join(out) + "\n"


LEGEND_Y = -10.0


def _legend(sx, sy) -> str:
    """ "▬ Start  ▬ Finish" under the floor, right-aligned: the two tones of an overlay."""
    out = ['<g class="legend">']
    right = VIEW_W - MARGIN - 1
    x = right
    for text, colour in (("Finish", TONES["end"]["body"]), ("Start", TONES["start"]["body"])):
        width = _text_width(text, NOTE_SIZE)
        text_x = x - width
        out.append(
            _tag(
                "text",
                {
                    "class": "note",
                    "x": text_x,
                    "y": sy(LEGEND_Y - NOTE_SIZE * 0.35),
                    "font-family": FONT,
                    "font-size": NOTE_SIZE,
                    "fill": TEXT_COLOUR,
                },
                text,
            )
        )
        bar = {"x1": text_x - 10, "x2": text_x - 3, "y1": sy(LEGEND_Y), "y2": sy(LEGEND_Y)}
        out.append(_tag("line", bar | {"stroke": colour, "stroke-width": 4.5, **ROUND}))
        x = text_x - 16
    out.append("</g>")
    return "".join(out)


def _metronome(m: Metronome, sx, sy) -> str:
    """A small metronome: a tapering case, a swinging rod and two sound waves."""
    s = m.size
    base_w, top_w, h = s * 0.62, s * 0.22, s * 0.82
    case = [
        (m.x - base_w / 2, m.y),
        (m.x + base_w / 2, m.y),
        (m.x + top_w / 2, m.y + h),
        (m.x - top_w / 2, m.y + h),
    ]
    pivot = (m.x, m.y + h * 0.2)
    tip = _add(pivot, _dir(72), h * 0.9)
    weight = _add(pivot, _dir(72), h * 0.55)
    out = [
        '<g class="prop metronome">',
        _tag(
            "path",
            {
                "d": "M" + "L".join(f"{sx(x)} {sy(y)}" for x, y in case) + "Z",
                "fill": PROP_FILL,
                "stroke": PROP_STROKE,
                "stroke-width": 1.3,
                "stroke-linejoin": "round",
            },
        ),
        _tag(
            "line",
            {
                "x1": sx(pivot[0]),
                "y1": sy(pivot[1]),
                "x2": sx(tip[0]),
                "y2": sy(tip[1]),
                "stroke": TEXT_COLOUR,
                "stroke-width": 1.5,
                "stroke-linecap": "round",
            },
        ),
        _tag(
            "circle", {"cx": sx(weight[0]), "cy": sy(weight[1]), "r": s * 0.08, "fill": TEXT_COLOUR}
        ),
    ]
    centre = (m.x + top_w / 2 + s * 0.08, m.y + h * 0.78)
    for r in (s * 0.16, s * 0.3):
        a0, a1 = _add(centre, _dir(40), r), _add(centre, _dir(-40), r)
        bulge = _add(centre, (1.0, 0.0), r * 1.25)
        d = f"M{sx(a0[0])} {sy(a0[1])}Q{sx(bulge[0])} {sy(bulge[1])} {sx(a1[0])} {sy(a1[1])}"
        wave = {
            "d": d,
            "fill": "none",
            "stroke": ACCENT,
            "stroke-width": 1.5,
            "stroke-linecap": "round",
        }
        out.append(_tag("path", wave))
    out.append("</g>")
    return "".join(out)
