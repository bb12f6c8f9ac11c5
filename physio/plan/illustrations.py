"""Exercise illustrations as data: a start pose and an end pose per exercise.

Every picture is drawn by :mod:`physio.plan.figures` in the same style: a
floor line, a simple figure (start faded, finish solid), an accent-coloured
moving limb and an arrow for the movement.  Pose angles are explained in the
``figures`` module docstring.  Poses whose contact points must touch the
floor list them in ``contacts`` (the tests check them).

One-sided exercises are drawn for the *right* side; ``illustration_svg`` mirrors
them for the left side and names the side in a label.  What "side" means for
each exercise (the side-plank side is the side lying on the floor, the
single-leg-bridge side the leg pushing through the floor, and so on) is in
each illustration's ``side_text``.

Pure Python, no Flask: safe to import from the PDF export and from tests.
"""

from __future__ import annotations

import functools
from dataclasses import replace

from physio.plan.figures import (
    Arm,
    Arrow,
    Box,
    Cushion,
    Illustration,
    Leg,
    Metronome,
    Note,
    Pose,
    Strap,
    render_illustration,
)

# --- shared positions ------------------------------------------------------------


def _quadruped(**changes) -> Pose:
    """On hands and knees, head to the right: hands under shoulders, knees under hips."""
    base = Pose(
        trunk=9.3,
        neck=8,
        near_arm=Arm(80.7, 0, 90),
        far_arm=Arm(80.7, 0, 90),
        near_leg=Leg(81.4, 90, -84),
        far_leg=Leg(81.4, 90, -84),
        x=100,
        contacts=("near_knee", "near_wrist"),
    )
    return replace(base, **changes)


#: lying on the back, head to the left, knees bent and feet flat ("crook lying")
_HOOK = Leg(hip=45, knee=114.9, ankle=-20.6)
_ARMS_BY_SIDES = Arm(shoulder=-8)


def _hook_lying(**changes) -> Pose:
    base = Pose(
        trunk=180,
        near_arm=_ARMS_BY_SIDES,
        far_arm=_ARMS_BY_SIDES,
        near_leg=_HOOK,
        far_leg=_HOOK,
        x=112,
        contacts=("shoulder", "pelvis", "near_heel", "near_toe"),
    )
    return replace(base, **changes)


def _standing(**changes) -> Pose:
    base = Pose(
        trunk=90,
        near_arm=Arm(shoulder=6, elbow=12),
        far_arm=Arm(shoulder=-4, elbow=12),
        x=100,
        contacts=("near_heel", "near_toe"),
    )
    return replace(base, **changes)


# --- the library -----------------------------------------------------------------

_ALL: tuple[Illustration, ...] = (
    # --- trunk endurance -------------------------------------------------------------
    Illustration(
        code="plank",
        name="Forearm plank",
        description=(
            "Start lying face down on your forearms, elbows under your shoulders. Finish with "
            "your body lifted in a straight line from head to heels, resting on forearms and "
            "toes."
        ),
        start=Pose(
            trunk=22.9,
            neck=12,
            near_arm=Arm(67.1, 90),
            far_arm=Arm(67.1, 90),
            near_leg=Leg(hip=-18.5, ankle=-90),
            far_leg=Leg(hip=-18.5, ankle=-90),
            x=128,
            x_on="near_elbow",
            contacts=("pelvis", "near_elbow", "near_wrist"),
        ),
        end=Pose(
            trunk=6.4,
            near_arm=Arm(83.6, 90),
            far_arm=Arm(83.6, 90),
            near_leg=Leg(ankle=-13.6),
            far_leg=Leg(ankle=-13.6),
            x=128,
            x_on="near_elbow",
            contacts=("near_elbow", "near_wrist", "near_toe"),
        ),
        arrows=(
            Arrow(joint="pelvis", anchor="end", start_offset=(0, 11), end_offset=(0, 25), bend=0),
        ),
    ),
    Illustration(
        code="side_plank",
        name="Side plank",
        description=(
            "Start lying on your side, propped on your elbow, knees bent behind you and hips on "
            "the floor. Finish with your hips lifted so your head, shoulders, hips and knees are "
            "in a line, resting on your elbow and knees."
        ),
        # Seen from the front, so the bent knees point the shins back and down (shortened):
        # "Bend your knees to start" (the library's step 2), not the straight-leg progression.
        start=Pose(
            trunk=20,
            near_arm=Arm(-66.5, 87.2),
            far_arm=Arm(70, 90),
            near_leg=Leg(-10, 60, -70, shin_scale=0.45, foot_scale=0.6),
            far_leg=Leg(-10, 60, -70, shin_scale=0.45, foot_scale=0.6),
            x=120,
            x_on="far_elbow",
            facing="left",
            depth=False,
            contacts=("pelvis", "far_elbow", "far_wrist", "far_knee"),
        ),
        end=Pose(
            trunk=14,
            near_arm=Arm(-66.5, 87.2),
            far_arm=Arm(72, 90),
            near_leg=Leg(5, 60, -70, shin_scale=0.45, foot_scale=0.6),
            far_leg=Leg(5, 60, -70, shin_scale=0.45, foot_scale=0.6),
            x=120,
            x_on="far_elbow",
            facing="left",
            depth=False,
            contacts=("far_elbow", "far_wrist", "far_knee"),
        ),
        arrows=(
            Arrow(joint="pelvis", anchor="end", start_offset=(0, 11), end_offset=(0, 25), bend=0),
        ),
        side_text="{side} side down",
    ),
    # --- the easier and harder versions the text names (VARIANTS, below) ------------
    Illustration(
        code="plank_knees",
        name="Forearm plank on your knees",
        description=(
            "Start lying face down on your forearms, knees bent. Finish with your body lifted in "
            "a straight line from head to knees, resting on forearms and knees."
        ),
        start=Pose(
            trunk=22.9,
            neck=12,
            near_arm=Arm(67.1, 90),
            far_arm=Arm(67.1, 90),
            near_leg=Leg(hip=-18.5, knee=90, ankle=-20),
            far_leg=Leg(hip=-18.5, knee=90, ankle=-20),
            x=128,
            x_on="near_elbow",
            contacts=("pelvis", "near_elbow", "near_wrist"),
        ),
        end=Pose(
            trunk=14.5,
            near_arm=Arm(76, 90),
            far_arm=Arm(76, 90),
            near_leg=Leg(0, 90, -20),
            far_leg=Leg(0, 90, -20),
            x=128,
            x_on="near_elbow",
            contacts=("near_elbow", "near_wrist", "near_knee"),
        ),
        arrows=(
            Arrow(joint="pelvis", anchor="end", start_offset=(0, 11), end_offset=(0, 25), bend=0),
        ),
    ),
    Illustration(
        code="side_plank_straight",
        name="Side plank with straight legs",
        description=(
            "Start lying on your side, propped on your elbow, legs straight. Finish with your "
            "hips lifted so your body is in a line from head to feet, resting on your elbow and "
            "the side of your foot."
        ),
        start=Pose(
            trunk=23.2,
            near_arm=Arm(-67.3, 88.1),
            far_arm=Arm(66.8, 90),
            near_leg=Leg(-15.3, 7.9, -90, shin_scale=0.5),
            far_leg=Leg(-15.3, 7.9, -90, shin_scale=0.5),
            x=120,
            x_on="far_elbow",
            facing="left",
            depth=False,
            contacts=("pelvis", "far_elbow", "far_wrist", "far_knee"),
        ),
        end=Pose(
            trunk=16.2,
            near_arm=Arm(-66.5, 87.2),
            far_arm=Arm(73.8, 90),
            near_leg=Leg(0, 16.2, -90, shin_scale=0.5),
            far_leg=Leg(0, 16.2, -90, shin_scale=0.5),
            x=120,
            x_on="far_elbow",
            facing="left",
            depth=False,
            contacts=("far_elbow", "far_wrist", "far_knee"),
        ),
        arrows=(
            Arrow(joint="pelvis", anchor="end", start_offset=(0, 11), end_offset=(0, 25), bend=0),
        ),
    ),
    Illustration(
        code="bird_dog",
        name="Bird dog",
        description=(
            "Start on your hands and knees. Finish reaching one arm forward and the opposite leg "
            "back, with your back level."
        ),
        start=_quadruped(),
        # the reaching arm a little above the head (which drops a little), so it shows
        end=_quadruped(
            neck=24,
            far_arm=Arm(184, 0, 0),
            near_leg=Leg(-9.3, 0, 0),
            contacts=("far_knee", "near_wrist"),
        ),
        arrows=(
            Arrow(joint="near_ankle", bend=0.35, trim=3),
            Arrow(joint="far_wrist", bend=-0.35, trim=3),
        ),
        accent=("near_leg", "far_arm"),
        side_text="lift {side} leg + {other} arm",
    ),
    Illustration(
        code="curl_up",
        name="Curl-up",
        description=(
            "Start lying on your back, one knee bent, hands under your lower back. Finish with "
            "your head and shoulders lifted a little, neck still."
        ),
        start=Pose(
            trunk=180,
            near_arm=Arm(-14, 14),
            far_arm=Arm(-14, 14),
            near_leg=_HOOK,
            far_leg=Leg(-3.3, 0, 0),
            x=100,
            contacts=("shoulder", "pelvis", "near_heel", "far_heel"),
        ),
        end=Pose(
            trunk=168,
            spine=8,
            near_arm=Arm(-2, 14),
            far_arm=Arm(-2, 14),
            near_leg=Leg(57, 114.9, -20.6),
            far_leg=Leg(8.7, 0, 0),
            x=100,
            contacts=("pelvis", "near_heel", "far_heel"),
        ),
        arrows=(
            Arrow(joint="head", anchor="end", start_offset=(4, 9), end_offset=(4, 24), bend=0),
        ),
        accent=("head",),
    ),
    # --- hips ------------------------------------------------------------------------
    Illustration(
        code="glute_bridge",
        name="Glute bridge",
        description=(
            "Start lying on your back, knees bent and feet flat. Finish with your hips lifted so "
            "your shoulders, hips and knees are in a line."
        ),
        start=_hook_lying(
            near_leg=Leg(44.3, 112.7, -22.2),
            far_leg=Leg(44.3, 112.7, -22.2),
            x=130,
            x_on="near_ankle",
        ),
        end=_hook_lying(
            trunk=199.3,
            neck=19.3,
            near_arm=Arm(-27),
            far_arm=Arm(-27),
            near_leg=Leg(0, 97.5, -11.9),
            far_leg=Leg(0, 97.5, -11.9),
            x=130,
            x_on="near_ankle",
            contacts=("shoulder", "near_heel", "near_toe"),
        ),
        arrows=(
            Arrow(joint="pelvis", anchor="end", start_offset=(0, 11), end_offset=(0, 25), bend=0),
        ),
    ),
    Illustration(
        code="single_leg_bridge",
        name="Single-leg bridge",
        description=(
            "Start lying on your back with one foot lifted, knee bent. Push through the other "
            "foot and lift your hips."
        ),
        start=_hook_lying(
            near_leg=Leg(44.3, 112.7, -22.2),
            far_leg=Leg(80, 90, 0),
            x=130,
            x_on="near_ankle",
        ),
        end=_hook_lying(
            trunk=199.3,
            neck=19.3,
            near_arm=Arm(-27),
            far_arm=Arm(-27),
            near_leg=Leg(0, 97.5, -11.9),
            far_leg=Leg(60, 90, 0),
            x=130,
            x_on="near_ankle",
            contacts=("shoulder", "near_heel", "near_toe"),
        ),
        arrows=(
            Arrow(
                joint="pelvis", anchor="end", start_offset=(-12, 9), end_offset=(-12, 23), bend=0
            ),
        ),
        accent=("near_leg",),
        side_text="push through {side} foot",
    ),
    Illustration(
        code="clamshell",
        name="Clamshell",
        description=(
            "Start lying on your side, hips and knees bent, feet together. Finish with your top "
            "knee lifted and your feet still touching."
        ),
        start=Pose(
            trunk=180,
            neck=20,
            far_arm=Arm(180),
            near_arm=Arm(-90, 90, upper_scale=0.26),
            far_leg=Leg(-6, 0, -90, thigh_scale=0.85, shin_scale=0.75, foot_scale=0.5),
            near_leg=Leg(13.8, 24.4, -90, thigh_scale=0.85, shin_scale=0.8, foot_scale=0.5),
            x=95,
            facing="left",
            contacts=("pelvis", "shoulder"),
        ),
        end=Pose(
            trunk=180,
            neck=20,
            far_arm=Arm(180),
            near_arm=Arm(-90, 90, upper_scale=0.26),
            far_leg=Leg(-6, 0, -90, thigh_scale=0.85, shin_scale=0.75, foot_scale=0.5),
            near_leg=Leg(38.6, 74.3, -90, foot_scale=0.5),
            x=95,
            facing="left",
            contacts=("pelvis", "shoulder"),
        ),
        arrows=(Arrow(joint="near_knee", bend=0.3, offset=(2, 6)),),
        accent=("near_leg",),
        side_text="lift {side} knee",
    ),
    # --- balance ---------------------------------------------------------------------
    Illustration(
        code="single_leg_balance",
        name="Single-leg balance",
        description=(
            "Start standing on both feet. Finish standing on one leg, knee a little bent, hips "
            "level."
        ),
        start=_standing(),
        end=_standing(
            near_arm=Arm(20, 20),
            far_arm=Arm(-10, 20),
            near_leg=Leg(6, 10, 4),
            far_leg=Leg(75, 95, -15),
        ),
        arrows=(Arrow(joint="far_ankle", bend=-0.3, offset=(12, 3), trim=1),),
        accent=("far_leg",),
        side_text="stand on {side} leg",
    ),
    Illustration(
        code="step_down",
        name="Step-down",
        description=(
            "Start standing on one leg on a low step. Slowly bend that knee and lower the other "
            "heel toward the floor."
        ),
        start=_standing(
            far_leg=Leg(35, 25, -15),
            ground=12,
            rest_on="near_leg",
            x=45,
            x_on="near_ankle",
            contacts=("near_heel", "near_toe"),
        ),
        end=_standing(
            trunk=78.1,
            near_arm=Arm(35, 20),
            far_arm=Arm(25, 20),
            near_leg=Leg(71.7, 84.9, 24.5),
            far_leg=Leg(46.4, 7.8, 33.0),
            ground=12,
            rest_on="near_leg",
            x=130,
            x_on="near_ankle",
            contacts=("near_heel", "near_toe"),
        ),
        arrows=(
            Arrow(
                joint="pelvis", anchor="end", start_offset=(-15, 10), end_offset=(-15, -6), bend=0
            ),
        ),
        props=(Box(x=17, width=37, height=12), Box(x=102, width=37, height=12)),
        notes=(Note("Start", 40), Note("Lower the heel", 128)),
        accent=("near_leg",),
        style="sequence",
        side_text="{side} foot on step",
    ),
    # --- mobility and stretches ------------------------------------------------------
    Illustration(
        code="cat_cow",
        name="Cat–cow",
        description=(
            "On your hands and knees, slowly round your back up, then let it sag gently down."
        ),
        start=_quadruped(spine=40, neck=35, x=40),
        end=_quadruped(spine=-30, neck=-25, x=130),
        arrows=(
            Arrow(joint="back", anchor="start", start_offset=(0, 4), end_offset=(0, 17), bend=0),
            Arrow(joint="back", anchor="end", start_offset=(0, 19), end_offset=(0, 6), bend=0),
        ),
        notes=(Note("Round up", 55), Note("Let it sag", 145)),
        accent=("torso",),
        style="sequence",
    ),
    Illustration(
        code="childs_pose",
        name="Child's pose",
        description=(
            "Start on your hands and knees. Sit back toward your heels, reach your arms forward "
            "and rest your head down."
        ),
        start=_quadruped(x=30, x_on="near_knee"),
        end=Pose(
            trunk=357.8,
            spine=28.9,
            neck=12.2,
            near_arm=Arm(162.4),
            far_arm=Arm(162.4),
            near_leg=Leg(152.2, 150, -90),
            far_leg=Leg(152.2, 150, -90),
            x=108,
            x_on="near_knee",
            contacts=("near_knee", "near_wrist"),
        ),
        arrows=(
            Arrow(
                joint="pelvis", anchor="end", start_offset=(16, 24), end_offset=(0, 17), bend=0.25
            ),
        ),
        notes=(Note("Start", 45), Note("Sit back", 113)),
        accent=("torso",),
        style="sequence",
    ),
    Illustration(
        code="knee_to_chest",
        name="Knee-to-chest stretch",
        description=(
            "Start lying on your back with your knees bent. Hold one knee and draw it gently "
            "toward your chest."
        ),
        start=_hook_lying(),
        end=_hook_lying(
            near_leg=Leg(120, 110, -20),
            # elbows bent, hands on the front of the knee: the arms stay clear of the thigh
            near_arm=Arm(34, 38),
            far_arm=Arm(34, 38),
            contacts=("shoulder", "pelvis", "far_heel", "far_toe"),
        ),
        arrows=(Arrow(joint="near_knee", bend=-0.3, trim=1, offset=(0, 11)),),
        accent=("near_leg",),
        side_text="{side} knee to chest",
    ),
    Illustration(
        code="hip_flexor_stretch",
        name="Half-kneeling hip-flexor stretch",
        description=(
            "Kneel on one knee with the other foot flat in front. Tuck your pelvis under and "
            "shift forward until you feel a stretch at the front of the hip."
        ),
        start=Pose(
            trunk=90,
            near_arm=Arm(0, 15),
            far_arm=Arm(0, 15),
            near_leg=Leg(0, 90, -90),
            far_leg=Leg(84.3, 84.3, 0),
            x=90,
            x_on="near_knee",
            contacts=("near_knee", "far_heel", "far_toe"),
        ),
        end=Pose(
            trunk=90,
            near_arm=Arm(0, 15),
            far_arm=Arm(0, 15),
            near_leg=Leg(-19.9, 68.7, -90),
            far_leg=Leg(83.1, 103.8, 20.2),
            x=90,
            x_on="near_knee",
            contacts=("near_knee", "far_heel"),
        ),
        arrows=(
            Arrow(joint="pelvis", anchor="end", start_offset=(10, 15), end_offset=(24, 15), bend=0),
        ),
        props=(Cushion(x=90),),
        accent=("near_leg",),
        side_text="{side} knee down",
    ),
    Illustration(
        code="hamstring_stretch",
        name="Hamstring stretch",
        description=(
            "Lie on your back with a strap around one foot. Keep that knee straight and raise the "
            "leg until you feel a stretch at the back of the thigh."
        ),
        start=Pose(
            trunk=180,
            near_arm=Arm(20.6, 16.6),
            far_arm=Arm(20.6, 16.6),
            near_leg=Leg(40, 0, 0),
            far_leg=Leg(-3.3, 0, 0),
            x=100,
            contacts=("shoulder", "pelvis", "far_heel"),
        ),
        end=Pose(
            trunk=180,
            near_arm=Arm(40.5, 16.6),
            far_arm=Arm(40.5, 16.6),
            near_leg=Leg(70, 0, 0),
            far_leg=Leg(-3.3, 0, 0),
            x=100,
            contacts=("shoulder", "pelvis", "far_heel"),
        ),
        arrows=(Arrow(joint="near_toe", bend=-0.3, trim=1, offset=(9, 5)),),
        props=(Strap(),),
        accent=("near_leg",),
        side_text="stretch {side} leg",
    ),
    # --- running ---------------------------------------------------------------------
    Illustration(
        code="walk_run",
        name="Walk–run",
        description="Walk briskly, then jog easily, in the blocks set for your stage.",
        start=_standing(
            near_arm=Arm(-22, 15),
            far_arm=Arm(22, 20),
            near_leg=Leg(24, 4, 12),
            far_leg=Leg(-29.3, 15, -20),
            x=50,
            contacts=("near_heel", "far_toe"),
        ),
        end=_standing(
            trunk=84,
            neck=-6,
            near_arm=Arm(-30, 95),
            far_arm=Arm(35, 95),
            near_leg=Leg(38, 28, 5),
            far_leg=Leg(-14, 95, -25),
            x=145,
            contacts=("near_heel",),
        ),
        arrows=(Arrow(start=(84, 52), end=(112, 52), bend=0),),
        notes=(Note("Walk", 50), Note("Jog", 145)),
        style="sequence",
    ),
    Illustration(
        code="warm_up_drills",
        name="Warm-up: leg swings",
        description="Stand tall and swing one leg easily forward and back, then swap legs.",
        start=_standing(
            near_arm=Arm(25, 30),
            far_arm=Arm(-15, 30),
            near_leg=Leg(-28, 10, -10),
            far_leg=Leg(0, 0, 0),
            rest_on="far_leg",
            contacts=("far_heel", "far_toe"),
        ),
        end=_standing(
            near_arm=Arm(-15, 30),
            far_arm=Arm(25, 30),
            near_leg=Leg(55, 10, 0),
            far_leg=Leg(0, 0, 0),
            rest_on="far_leg",
            contacts=("far_heel", "far_toe"),
        ),
        arrows=(Arrow(joint="near_ankle", bend=-0.35, trim=4, offset=(0, -2), both_ends=True),),
        accent=("near_leg",),
        side_text="swing {side} leg",
        both_text="Swing each leg",
    ),
    Illustration(
        code="cadence",
        name="Slightly quicker steps",
        description=(
            "Your usual running step, then slightly shorter, quicker steps at the same easy pace, "
            "in time with a metronome set about 5% faster."
        ),
        start=_standing(
            trunk=86,
            near_arm=Arm(-30, 95),
            far_arm=Arm(35, 95),
            near_leg=Leg(40, 4, 14),
            far_leg=Leg(-22, 45, -25),
            x=38,
            contacts=("near_heel",),
        ),
        end=_standing(
            trunk=84,
            near_arm=Arm(-26, 95),
            far_arm=Arm(30, 95),
            near_leg=Leg(24, 20, 2),
            far_leg=Leg(-10, 62, -25),
            x=118,
            contacts=("near_heel",),
        ),
        arrows=(Arrow(start=(72, 52), end=(94, 52), bend=0),),
        props=(Metronome(x=160),),
        notes=(
            Note("Usual steps", 38),
            Note("Shorter, quicker", 118),
            Note("+5%", 163, y=23, tone="accent", size=9),
        ),
        style="sequence",
    ),
)

ILLUSTRATIONS: dict[str, Illustration] = {ill.code: ill for ill in _ALL}

#: The easier and harder versions the library's text names ("Go back to the two-leg bridge"),
#: drawn beside the exercise: exercise code -> ((which, illustration code, name as the text
#: says it), ...), where ``which`` is "regression" or "progression" (issue 13).
VARIANTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "plank": (("regression", "plank_knees", "on your knees"),),
    "side_plank": (("progression", "side_plank_straight", "straight legs"),),
    "single_leg_bridge": (("regression", "glute_bridge", "the two-leg bridge"),),
    "glute_bridge": (("progression", "single_leg_bridge", "the single-leg bridge"),),
    "single_leg_balance": (("progression", "step_down", "step-downs"),),
}

SIDES = ("left", "right")


def _normalise_side(side: str | None) -> str | None:
    if side is None:
        return None
    if not isinstance(side, str):
        raise ValueError(f"side must be 'left', 'right', 'both' or None, not {side!r}")
    value = side.strip().lower()
    if value in ("", "both"):
        return None
    if value not in SIDES:
        raise ValueError(f"side must be 'left', 'right', 'both' or None, not {side!r}")
    return value


@functools.lru_cache(maxsize=256)
def illustration_svg(code: str, side: str | None = None) -> str:
    """The SVG (a complete ``<svg>`` document as a string) for exercise ``code``.

    ``side`` is "left", "right", "both" or None.  One-sided exercises are
    mirrored for "left" and labelled with the side ("both"/None label them
    "do both sides"); for exercises where the side does not matter it is
    ignored.  Raises KeyError for an unknown code and ValueError for an
    unknown side.  Cached: the PDF asks for the same pictures many times.
    """
    try:
        illustration = ILLUSTRATIONS[code]
    except KeyError:
        raise KeyError(f"no illustration for exercise code {code!r}") from None
    return render_illustration(illustration.for_side(_normalise_side(side)))


#: Cat–cow for a back that should not arch (extension hurts, or bone stress suspected): round up,
#: then back to level, as its steps say (physio/plan/texts.py); never "let it sag".
CAT_COW_LEVEL = replace(
    ILLUSTRATIONS["cat_cow"],
    description="On your hands and knees, slowly round your back up, then let it come back to "
    "level.",
    end=_quadruped(spine=0, neck=0, x=122),
    notes=(Note("Round up", 55), Note("Back to level", 145)),
)


@functools.lru_cache(maxsize=4)
def level_cat_cow_svg() -> str:
    return render_illustration(CAT_COW_LEVEL)


@functools.lru_cache(maxsize=64)
def thumbnail_svg(code: str) -> str:
    """A small drawing of ``code`` for beside another exercise (its easier or harder version,
    ``VARIANTS``): no side label, captions or Start/Finish legend, so it has no text to shrink
    below print size; the caption next to it names it."""
    illustration = replace(ILLUSTRATIONS[code], label=None, side_text=None, notes=())
    return render_illustration(illustration, legend=False)
