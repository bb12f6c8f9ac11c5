"""Moving exercise figures (physio/plan/animation.py): made from the joint-angle model, they start
and end exactly on the PDF drawing's positions and stay inside the picture."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import pytest

from physio.plan.animation import (
    FRAMES,
    SVG_NS,
    animated_illustration_svg,
    figure_between,
    pose_between,
)
from physio.plan.figures import figure
from physio.plan.illustrations import ILLUSTRATIONS, illustration_svg

NS = {"svg": SVG_NS}
CASES = [
    (code, side)
    for code, ill in ILLUSTRATIONS.items()
    for side in ((None, "left", "right") if ill.sided else (None,))
]


def groups(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.get("class"): g for g in root.iter(f"{{{SVG_NS}}}g")}


def drawn(element: ET.Element) -> dict[str, str]:
    """The geometry attributes of a drawn element."""
    return {
        k: v
        for k, v in element.attrib.items()
        if k in ("points", "d", "cx", "cy", "x1", "y1", "x2", "y2")
    }


def frame(element: ET.Element, index: int) -> dict[str, str]:
    """Geometry of an animated element at keyframe `index` (static attributes where it does not
    move)."""
    geometry = drawn(element)
    for animate in element.findall("svg:animate", NS):
        geometry[animate.get("attributeName")] = animate.get("values").split(";")[index]
    return geometry


@pytest.mark.parametrize(("code", "side"), CASES)
def test_the_moving_figure_starts_and_ends_on_the_pdf_drawing(code, side):
    moving_svg = animated_illustration_svg(code, side)
    still = groups(illustration_svg(code, side))
    moving = groups(moving_svg)
    sequence = ILLUSTRATIONS[code].style == "sequence"
    animated = moving["figure start moving" if sequence else "figure end moving"]
    elements = list(animated)
    start = [drawn(e) for e in still["figure start"]]
    end = [drawn(e) for e in still["figure end"]]
    first = [frame(e, 0) for e in elements]
    last = [frame(e, FRAMES - 1) for e in elements]
    assert first == start  # starts where the PDF's start position is drawn
    if sequence:
        # side by side: it changes into the end position in place; the end stays as drawn
        assert [drawn(e) for e in moving["figure end"]] == end
        assert last != first
    else:
        assert last == end  # ends exactly on the PDF's finish position
        assert [drawn(e) for e in moving["figure start"]] == start  # the faded start stays
    animations = animated.findall(".//svg:animate", NS)
    assert animations, "nothing moves"
    for animate in animations:
        values = animate.get("values").split(";")
        times = [float(t) for t in animate.get("keyTimes").split(";")]
        assert len(values) == len(times) == 2 * FRAMES + 1
        assert times == sorted(times) and times[0] == 0 and times[-1] == 1
        assert values[0] == values[-1]  # a loop: back to the start
        assert animate.get("repeatCount") == "indefinite"


@pytest.mark.parametrize(("code", "side"), CASES)
def test_every_frame_stays_inside_the_picture(code, side):
    svg = animated_illustration_svg(code, side)
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    numbers = []
    for animate in root.iter(f"{{{SVG_NS}}}animate"):
        name = animate.get("attributeName")
        for value in animate.get("values").split(";"):
            pairs = re.findall(r"-?\d+(?:\.\d+)?", value)
            if name in ("points", "d"):
                numbers += [
                    (float(x), float(y)) for x, y in zip(pairs[::2], pairs[1::2], strict=True)
                ]
    assert numbers
    # joint centres stay inside the picture (strokes may reach a few units past them)
    for x, y in numbers:
        assert -4 <= x <= width + 4 and -8 <= y <= height + 4, (code, x, y)


def test_the_trunk_turns_the_short_way_round():
    ill = ILLUSTRATIONS["childs_pose"]  # from 9.3° (hands and knees) to 357.8° (= -2.2°)
    trunks = [pose_between(ill.start, ill.end, k / 8).trunk for k in range(9)]
    assert trunks[0] == ill.start.trunk
    assert all(-2.3 <= t <= 9.4 for t in trunks), trunks
    assert figure_between(ill.start, ill.end, 0).points == figure(ill.start).points


def test_in_between_poses_mix_every_joint():
    ill = ILLUSTRATIONS["bird_dog"]
    half = pose_between(ill.start, ill.end, 0.5)
    assert half.near_arm.shoulder == pytest.approx(
        (ill.start.near_arm.shoulder + ill.end.near_arm.shoulder) / 2
    )
    assert half.far_leg.hip == pytest.approx((ill.start.far_leg.hip + ill.end.far_leg.hip) / 2)


def test_the_moving_picture_is_plain_svg_for_a_page_with_a_strict_csp():
    svg = animated_illustration_svg("glute_bridge")
    assert "<script" not in svg and "on" + "load=" not in svg and "style=" not in svg
    root = ET.fromstring(svg)
    assert root.get("class") == "exercise-animation" and root.get("role") == "img"
    assert root.get("width") is None  # sized by the page
    assert root.find("svg:title", NS).text.endswith("(moving picture)")


def test_an_unknown_code_has_no_moving_picture():
    with pytest.raises(KeyError):
        animated_illustration_svg("no_such_exercise")


def test_the_svg_keeps_plain_tags_whatever_else_registered_xml_prefixes():
    # WeasyPrint's metadata module re-registers ElementTree's global prefixes when it loads;
    # the figure was then written as <ns0:svg>, which an HTML page does not draw.
    import importlib

    importlib.import_module("weasyprint.pdf.metadata")
    saved = dict(ET._namespace_map)  # the registry is process-wide: put it back as it was
    ET.register_namespace("svg", SVG_NS)
    try:
        svg = animated_illustration_svg("bird_dog", "left")
    finally:
        ET._namespace_map.clear()
        ET._namespace_map.update(saved)
    assert svg.startswith("<svg ") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "<animate " in svg and "ns0:" not in svg and "svg:" not in svg
