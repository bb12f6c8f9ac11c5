"""Exercise illustrations: data-driven SVG figures for the patient's PDF plan.

Checks that every exercise code renders a clean, standalone SVG (well-formed,
viewBox, <title>, floor line, movement arrow, nothing outside the picture),
that the side is named and mirrored where it matters, that the poses are
physically plausible (contacts touch the floor, nothing sinks through the
floor or the step, no backwards knees), that rendering is deterministic and
Flask-free, and that WeasyPrint draws the pictures without complaint.
"""

from __future__ import annotations

import ast
import hashlib
import logging
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from physio.plan import figures
from physio.plan.figures import (
    VIEW_W,
    Arm,
    Box,
    Illustration,
    Leg,
    Pose,
    contact_gap,
    figure,
    render_illustration,
)
from physio.plan.illustrations import ILLUSTRATIONS, illustration_svg
from physio.plan.library import INTERVENTIONS

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]
PLAN_DIR = ROOT / "physio" / "plan"

EXPECTED_CODES = {
    "plank",
    "plank_knees",  # the easier and harder versions the text names (illustrations.VARIANTS)
    "side_plank_straight",
    "side_plank",
    "bird_dog",
    "curl_up",
    "glute_bridge",
    "single_leg_bridge",
    "clamshell",
    "single_leg_balance",
    "step_down",
    "cat_cow",
    "childs_pose",
    "knee_to_chest",
    "hip_flexor_stretch",
    "hamstring_stretch",
    "walk_run",
    "warm_up_drills",
    "cadence",
}
#: exercises done one side at a time: the picture must name the side
SIDED = {
    "side_plank",
    "bird_dog",
    "single_leg_bridge",
    "clamshell",
    "single_leg_balance",
    "step_down",
    "knee_to_chest",
    "hip_flexor_stretch",
    "hamstring_stretch",
    "warm_up_drills",
}
CODES = sorted(EXPECTED_CODES)
SIDES = (None, "left", "right")


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    return x, y, w, h


def classes(el: ET.Element) -> set[str]:
    return set((el.get("class") or "").split())


def find_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in classes(el)]


def drawn_points(root: ET.Element) -> list[tuple[float, float]]:
    """End points of every line, polyline, circle extent and rectangle corner."""
    pts: list[tuple[float, float]] = []
    for el in root.iter():
        tag = el.tag.removeprefix(SVG)
        if tag == "polyline":
            for pair in el.get("points").split():
                x, y = pair.split(",")
                pts.append((float(x), float(y)))
        elif tag == "line":
            pts += [
                (float(el.get("x1")), float(el.get("y1"))),
                (float(el.get("x2")), float(el.get("y2"))),
            ]
        elif tag == "circle":
            cx, cy, r = float(el.get("cx")), float(el.get("cy")), float(el.get("r"))
            pts += [(cx - r, cy - r), (cx + r, cy + r)]
        elif tag == "rect":
            x, y = float(el.get("x")), float(el.get("y"))
            pts += [(x, y), (x + float(el.get("width")), y + float(el.get("height")))]
        elif tag == "path":
            nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", el.get("d"))]
            pts += list(zip(nums[0::2], nums[1::2], strict=True))
    return pts


# --- the library ------------------------------------------------------------------


def test_every_library_code_has_an_illustration():
    assert set(ILLUSTRATIONS) == EXPECTED_CODES
    for code, ill in ILLUSTRATIONS.items():
        assert isinstance(ill, Illustration)
        assert ill.code == code
        assert ill.name and ill.description
        assert ill.sided == (code in SIDED), code


def test_plan_library_illustrations_all_exist():
    names = {item.illustration for item in INTERVENTIONS.values() if item.illustration}
    assert len(names) >= 10  # the exercises carry pictures: an empty set proves nothing
    assert names <= set(ILLUSTRATIONS), names - set(ILLUSTRATIONS)


# --- the SVG ----------------------------------------------------------------------


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("code", CODES)
def test_renders_a_clean_standalone_svg(code, side):
    svg = illustration_svg(code, side)
    root = parse(svg)

    x0, y0, w, h = view_box(root)
    assert (x0, y0, w) == (0, 0, VIEW_W) and 20 < h < w
    assert root.get("width").endswith("mm") and root.get("height").endswith("mm")
    ratio = float(root.get("height")[:-2]) / float(root.get("width")[:-2])
    assert ratio == pytest.approx(h / w, abs=0.01)

    title = root.find(f"{SVG}title")
    assert root[0] is title and ILLUSTRATIONS[code].name in title.text
    assert root.find(f"{SVG}desc").text

    (floor,) = find_class(root, "floor")
    assert floor.get("y1") == floor.get("y2")
    assert float(floor.get("x2")) - float(floor.get("x1")) > 0.9 * w

    arrows = find_class(root, "arrow")
    assert arrows, "every illustration shows its movement with an arrow"
    for arrow in arrows:
        assert find_class(arrow, "arrow-line") and find_class(arrow, "arrow-head")

    assert len(find_class(root, "start")) == 1 and len(find_class(root, "end")) == 1

    # everything drawn stays inside the picture
    for x, y in drawn_points(root):
        assert -0.05 <= x <= w + 0.05 and -0.05 <= y <= h + 0.05, (code, side, x, y)

    # plain vector shapes only: no gradients (blank in some PDF viewers), images, scripts or CSS
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= {
        "svg",
        "title",
        "desc",
        "g",
        "line",
        "polyline",
        "path",
        "circle",
        "rect",
        "text",
    }, tags
    assert "opacity" not in svg and "transform" not in svg and "url(" not in svg


@pytest.mark.parametrize("code", CODES)
def test_colours_figure_dark_grey_and_one_accent(code):
    svg = illustration_svg(code)
    colours = set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', svg))
    allowed = {c for tone in figures.TONES.values() for c in tone.values()} | {
        figures.ACCENT,
        figures.FLOOR_COLOUR,
        figures.PROP_FILL,
        figures.PROP_STROKE,
        figures.TEXT_COLOUR,
        "#6b7280",
    }
    assert colours <= allowed, colours - allowed
    assert figures.ACCENT in colours and figures.TONES["end"]["body"] in colours


@pytest.mark.parametrize("code", CODES)
def test_text_fits_inside_the_picture(code):
    for side in SIDES:
        root = parse(illustration_svg(code, side))
        w = view_box(root)[2]
        for text in root.iter(f"{SVG}text"):
            size = float(text.get("font-size"))
            width = figures._text_width(text.text, size, bold=text.get("font-weight") == "bold")
            x = float(text.get("x"))
            left = {"start": x, "middle": x - width / 2, "end": x - width}[
                text.get("text-anchor", "start")
            ]
            assert left >= 0 and left + width <= w, (code, side, text.text)
            assert size >= 7, "text must stay readable at print size"


# --- sides ------------------------------------------------------------------------


def side_label(svg: str) -> str:
    (el,) = find_class(parse(svg), "side-label")
    return el.text


def swap_sides(text: str) -> str:
    other = {"left": "right", "right": "left", "Left": "Right", "Right": "Left"}
    return re.sub(r"[Ll]eft|[Rr]ight", lambda m: other[m.group()], text)


def head_centres(svg: str, group: str) -> list[tuple[float, float]]:
    (g,) = find_class(parse(svg), group)
    return sorted((float(c.get("cx")), float(c.get("cy"))) for c in g.iter(f"{SVG}circle"))


@pytest.mark.parametrize("code", sorted(SIDED))
def test_sided_exercises_name_and_mirror_the_side(code):
    unspecified, left, right = (illustration_svg(code, s) for s in SIDES)
    assert len({unspecified, left, right}) == 3

    assert "left" in side_label(left).lower() and side_label(left)[0].isupper()
    assert side_label(right) == swap_sides(side_label(left))
    assert side_label(unspecified) == ILLUSTRATIONS[code].both_text
    assert "left" in parse(left).find(f"{SVG}title").text.lower()

    # the left picture is the right one mirrored: same heights, x flipped ...
    for group in ("start", "end"):
        r, l_ = head_centres(right, group), head_centres(left, group)
        assert [y for _, y in r] == pytest.approx([y for _, y in l_], abs=0.11)
        if ILLUSTRATIONS[code].style == "overlay":
            assert sorted(VIEW_W - x for x, _ in r) == pytest.approx(
                sorted(x for x, _ in l_), abs=0.11
            )
    # ... except that a sequence flips each figure in place, so it still reads
    # left to right: start position on the left, finish on the right
    if ILLUSTRATIONS[code].style == "sequence":
        for svg in (left, right):
            assert head_centres(svg, "start")[0][0] < head_centres(svg, "end")[0][0]


def test_side_labels_read_naturally():
    assert side_label(illustration_svg("bird_dog", "left")) == "Lift left leg + right arm"
    assert side_label(illustration_svg("side_plank", "right")) == "Right side down"
    assert side_label(illustration_svg("hip_flexor_stretch", "left")) == "Left knee down"
    assert side_label(illustration_svg("warm_up_drills")) == "Swing each leg"


@pytest.mark.parametrize("code", sorted(EXPECTED_CODES - SIDED))
def test_side_is_ignored_where_it_does_not_matter(code):
    svg = illustration_svg(code)
    assert illustration_svg(code, "left") == svg == illustration_svg(code, "right")
    assert not find_class(parse(svg), "side-label")


def test_side_values():
    assert illustration_svg("clamshell", "both") == illustration_svg("clamshell", None)
    assert illustration_svg("clamshell", " Left ") == illustration_svg("clamshell", "left")
    for bad in ("middle", "l", 1):
        with pytest.raises(ValueError, match="side must be"):
            illustration_svg("clamshell", bad)
    with pytest.raises(KeyError):
        illustration_svg("no_such_exercise")


# --- plausible poses --------------------------------------------------------------


def poses():
    for code, ill in sorted(ILLUSTRATIONS.items()):
        yield pytest.param(ill, ill.start, id=f"{code}-start")
        yield pytest.param(ill, ill.end, id=f"{code}-end")


@pytest.mark.parametrize("ill, pose", list(poses()))
def test_contacts_touch_and_nothing_sinks(ill, pose):
    assert pose.contacts, "each pose says what rests on the floor"
    for contact in pose.contacts:
        name, level = contact if isinstance(contact, tuple) else (contact, None)
        gap = contact_gap(pose, name, level)
        assert -0.01 <= gap <= 1.6, f"{ill.code}: {name} is {gap:.2f} units off the surface"

    fig = figure(pose)
    boxes = [p for p in ill.props if isinstance(p, Box)]
    for part in fig.parts:
        for (x, y), r in part.extent_points():
            assert y - r >= -0.01, f"{ill.code}: {part.group} goes through the floor"
            for box in boxes:
                inside_x = box.x + 0.5 < x < box.x + box.width - 0.5
                assert not (inside_x and y - r < box.height - 0.01), (
                    f"{ill.code}: {part.group} inside the step"
                )


def test_joint_limits_refuse_impossible_poses():
    with pytest.raises(ValueError, match="knee angle"):
        Leg(knee=-10)  # a knee bending backwards
    with pytest.raises(ValueError, match="elbow angle"):
        Arm(elbow=-20)
    with pytest.raises(ValueError, match="spine angle"):
        Pose(spine=80)
    with pytest.raises(ValueError, match="facing must be"):
        Pose(facing="up")


def test_knees_bend_the_right_way():
    # standing, knee bent: the ankle ends up *behind* the knee, never in front of it
    fig = figure(Pose(near_leg=Leg(hip=60, knee=90), far_leg=Leg(), x=100))
    knee, ankle = fig.points["near_knee"], fig.points["near_ankle"]
    assert ankle[0] < knee[0] and ankle[1] < knee[1]
    mirrored = figure(Pose(near_leg=Leg(hip=60, knee=90), far_leg=Leg(), x=100, facing="left"))
    assert mirrored.points["near_ankle"][0] > mirrored.points["near_knee"][0]


def test_figure_rests_on_its_ground():
    pose = Pose(x=40)
    fig = figure(pose)
    assert fig.lowest() == pytest.approx(0)
    assert fig.points["pelvis"][0] == pytest.approx(40)
    raised = figure(Pose(x=40, ground=12))
    assert raised.lowest() == pytest.approx(12)


# --- determinism, caching, no Flask -----------------------------------------------


def test_rendering_is_deterministic_and_cached():
    for code in CODES:
        ill = ILLUSTRATIONS[code]
        assert render_illustration(ill) == render_illustration(ill)
        assert illustration_svg(code) == render_illustration(ill.for_side(None))
    before = illustration_svg.cache_info().hits
    first = illustration_svg("bird_dog", "left")
    assert illustration_svg("bird_dog", "left") is first
    assert illustration_svg.cache_info().hits > before


_SUBPROCESS = """
import hashlib, sys, types
for name, path in (("physio", {physio!r}), ("physio.plan", {plan!r})):
    module = types.ModuleType(name)
    module.__path__ = [path]
    sys.modules[name] = module  # skip physio/__init__.py (the Flask app factory)
from physio.plan.illustrations import ILLUSTRATIONS, illustration_svg
assert not any(m == "flask" or m.startswith("flask.") for m in sys.modules), "flask imported"
digest = hashlib.sha256()
for code in sorted(ILLUSTRATIONS):
    for side in (None, "left", "right"):
        digest.update(illustration_svg(code, side).encode())
print(digest.hexdigest())
"""


def _digest_in_subprocess(hash_seed: str) -> str:
    script = _SUBPROCESS.format(physio=str(ROOT / "physio"), plan=str(PLAN_DIR))
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_same_output_in_every_process_and_no_flask():
    digest = hashlib.sha256()
    for code in sorted(ILLUSTRATIONS):
        for side in SIDES:
            digest.update(illustration_svg(code, side).encode())
    assert _digest_in_subprocess("1") == _digest_in_subprocess("2") == digest.hexdigest()


@pytest.mark.parametrize("module", ["figures.py", "illustrations.py"])
def test_modules_use_the_standard_library_only(module):
    tree = ast.parse((PLAN_DIR / module).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(
                node.module if node.module.startswith("physio") else node.module.split(".")[0]
            )
    third_party = {
        name
        for name in imported - {"__future__", "physio.plan.figures"}
        if name not in sys.stdlib_module_names
    }
    assert not third_party, third_party


# --- as the PDF draws them ----------------------------------------------------------


def test_weasyprint_draws_every_illustration_without_warnings(caplog):
    import weasyprint  # a required dependency: missing, it must fail, not skip

    cells = "".join(
        f"<div>{illustration_svg(code, side)}</div>"
        for code in CODES
        for side in ((None, "left") if code in SIDED else (None,))
    )
    html = f"<html><body style='width:75mm'>{cells}</body></html>"
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = weasyprint.HTML(string=html).write_pdf()
    assert pdf.startswith(b"%PDF")
    problems = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert not problems, problems
