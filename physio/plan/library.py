"""The intervention library: every item a plan can hold, as data a clinician reviews in one place.

Sources are the tags of ``docs/evidence.md`` (§3.3 exercise cards, §3.4 education, §3.5 load
and return to run, §3.6 cross-training, §3.7 footwear, §3.8 safety wording). Wording rules for every
text here:

- plain words, short sentences (reading grade 8 or lower);
- honest about the evidence: "may reduce load", never "will fix your pain";
- no claim that hard surfaces or a lack of fluids cause back pain, and no "rule" of weekly increases
  presented as a proven law;
- never belts, corsets, insoles or orthotics as a treatment for back pain, electrical nerve
  stimulation, ultrasound, traction or needling (NICE NG59, evidence §3.1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class WalkRunStage:
    """One stage of the walk–run ladder: ``blocks`` × (walk, then jog), 5 minutes a block."""

    number: int
    walk_s: int
    jog_s: int
    blocks: int = 4

    @property
    def label(self) -> str:
        if self.walk_s == 0:
            return f"Stage {self.number}: jog {self.blocks * self.jog_s // 60} min without a break"
        walk, jog = _minutes(self.walk_s), _minutes(self.jog_s)
        return f"Stage {self.number}: {self.blocks} × (walk {walk} / jog {jog})"


def _minutes(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} s"
    if not rest:
        return f"{minutes} min"
    return f"{minutes} min {rest} s"


#: PhysioAdvisor-style ladder [S20a]: 20 minutes as 4 blocks of 5 minutes. Stage 1 jogs 30 s a
#: block, each stage jogs 15 s more (stage 3: walk 4 min / jog 1 min; stage 5: 3.5 / 1.5), stage 19
#: jogs the whole 20 minutes.
WALK_RUN_STAGES: tuple[WalkRunStage, ...] = tuple(
    WalkRunStage(number=n, walk_s=300 - 15 * (n + 1), jog_s=15 * (n + 1)) for n in range(1, 20)
)


@dataclass(frozen=True)
class DoseRule:
    """How an exercise's dose is set (docs/clinical-rules.md, "Doses and norms").

    ``half_test``: holds of about half the patient's own time on ``test`` (the shorter side of a
    left/right test), within ``hold_min_s``–``hold_max_s``, ``reps_min``–``reps_max`` holds (more of
    the shorter ones). ``pyramid``: short holds of ``hold_s`` in a descending-repetition pyramid
    (``pyramid``, e.g. 6, then 4, then 2), as McGill's "Big 3" [S42a][S42c].
    """

    kind: str  # "half_test" | "pyramid"
    test: tuple[str, ...] = ()  # physical-section fields the dose comes from
    hold_min_s: int = 10
    hold_max_s: int = 30
    reps_min: int = 3
    reps_max: int = 5
    hold_s: int | None = None  # pyramid: the hold
    pyramid: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()

    def dose(self, tested_s: float | None, default_hold: int | None) -> dict:
        """{"sets", "reps", "hold_s"} for a tested time (``None``: not tested)."""
        if self.kind == "pyramid":
            return {"sets": len(self.pyramid), "reps": self.pyramid[0], "hold_s": self.hold_s}
        if tested_s is None or tested_s <= 0:
            hold = default_hold or self.hold_min_s
        else:
            half = int((Decimal(repr(float(tested_s))) / 2).quantize(Decimal(1), ROUND_HALF_UP))
            hold = max(self.hold_min_s, min(self.hold_max_s, half))
        # More of the shorter holds: 10–15 s → 5, 16–22 s → 4, longer → 3 (within the bounds).
        reps = 5 if hold <= 15 else 4 if hold <= 22 else 3
        return {"sets": 1, "reps": max(self.reps_min, min(self.reps_max, reps)), "hold_s": hold}


def pyramid_reps(reps: int | None, sets: int | None) -> list[int]:
    """The repetitions of each round of a descending pyramid: 6 and 3 rounds → [6, 4, 2]."""
    first, rounds = reps or 0, sets or 1
    return [r for r in (first - 2 * k for k in range(max(1, rounds))) if r > 0]


#: The per-exercise dose rules (plan-rules.md CORE-ENDURANCE, revised in round 2).
DOSE_RULES: dict[str, DoseRule] = {
    "plank": DoseRule("half_test", ("plank_s",), sources=("S42a", "S28a")),
    "side_plank": DoseRule(
        "half_test", ("side_plank_left_s", "side_plank_right_s"), sources=("S42a", "S26")
    ),
    "bird_dog": DoseRule("pyramid", hold_s=8, pyramid=(6, 4, 2), sources=("S42a", "S42c")),
    "curl_up": DoseRule("pyramid", hold_s=10, pyramid=(6, 4, 2), sources=("S42a", "S42b")),
}


@dataclass(frozen=True)
class Intervention:
    """One entry of the library: what it is, how to do it, and its default dose."""

    code: str
    kind: str
    title: str
    purpose: str
    steps: tuple[str, ...]
    sets: int | None = None
    reps: int | None = None
    hold_s: int | None = None
    days_per_week: int | None = None
    rest_s: int | None = None
    progression: str = ""
    regression: str = ""
    cautions: str = ""
    illustration: str | None = None
    evidence: tuple[str, ...] = ()
    #: False for items only the rules may add (referrals come from the red-flag logic).
    addable: bool = True
    #: Done on each side in turn (the dose is per side).
    per_side: bool = False
    #: A stretch done on the short side only when the plan names a side.
    named_side_only: bool = False
    stages: tuple[WalkRunStage, ...] = field(default=())
    #: The steps at tier U ("gentle, until you have been seen"): comfort movement in a pain-free
    #: range, no holds (physio/plan/texts.py item_steps).
    gentle_steps: tuple[str, ...] = ()

    @property
    def dose(self) -> dict:
        return {
            "sets": self.sets,
            "reps": self.reps,
            "hold_s": self.hold_s,
            "days_per_week": self.days_per_week,
            "rest_s": self.rest_s,
        }


@dataclass(frozen=True)
class TextBox:
    """A boxed block of patient text: a title, a lead sentence and bullet points."""

    title: str
    intro: str
    points: tuple[str, ...]


_ALL = (
    # --- referral (added only by RED-E / RED-U) ---------------------------------------------------
    Intervention(
        code="referral_emergency",
        kind="referral",
        title="Go to the emergency department today",
        purpose="Some of what you told us, or what we found, needs a doctor to check you today.",
        steps=(
            "Go to the nearest emergency department now. Do not wait to see if it gets better.",
            "Take this sheet with you and show it to the staff.",
            "Tell them what is written under 'What to tell them'.",
        ),
        addable=False,
        evidence=("S36a", "S36d", "S37"),
    ),
    Intervention(
        code="referral_urgent",
        kind="referral",
        title="See a doctor soon",
        purpose="Some of what we found needs a doctor to check it within the next few days.",
        steps=(
            "Book an appointment with your doctor within the time shown.",
            "Take this plan with you and show it to the doctor.",
            "Until you have been seen, keep to the gentle programme in this plan.",
        ),
        addable=False,
        evidence=("S37",),
    ),
    # --- safety -----------------------------------------------------------------------------------
    Intervention(
        code="safety_net",
        kind="safety",
        title="Warning signs: when to get help",
        purpose="Serious causes of back pain are rare, but you should know the signs that need "
        "help quickly.",
        steps=(
            "Go to the emergency department now if you notice any sign in the first box.",
            "Contact your doctor the same day for any sign in the second box.",
            "Contact your physiotherapist for any sign in the third box.",
        ),
        evidence=("S35", "S36b", "S36c", "S37"),
    ),
    Intervention(
        code="ces_card",
        kind="safety",
        title="Cauda equina warning card",
        purpose="You have leg symptoms. Very rarely, the nerves at the base of the spine get "
        "squeezed. This needs emergency care.",
        steps=(
            "Read the checklist on the card now, and keep the card somewhere easy to find.",
            "If you notice any sign on the list, go to the emergency department straight away.",
            "Show the card to the staff when you get there.",
        ),
        evidence=("S36a", "S36b", "S36c"),
    ),
    Intervention(
        code="flare_up",
        kind="safety",
        title="If your pain flares up",
        purpose="Flare-ups are common while you recover. A plan helps you stay calm and keep "
        "going.",
        steps=(
            "A flare-up does not mean new damage.",
            "Cut back for a few days on whatever stirs it up.",
            "Keep moving gently.",
            "Build back up once the pain has settled by the next morning.",
            "If it has not settled within a week, contact us.",
        ),
        evidence=("S19", "S34c"),
    ),
    # --- education --------------------------------------------------------------------------------
    Intervention(
        code="edu_core",
        kind="education",
        title="Back pain: what it means",
        purpose="Knowing what back pain means helps you keep active and recover.",
        steps=(
            "Back pain is common in runners and is usually not serious. We have checked you for "
            "warning signs.",
            "Pain often comes from muscles, joints and discs that are sensitive and tired. It does "
            "not mean you are damaged.",
            "Keep moving. Staying active helps you get better more than bed rest does.",
            "Pain in a run can mean your back has had more load than it can take for now. We will "
            "adjust the load and build it back step by step.",
        ),
        evidence=("S38c", "S34c", "S41d"),
    ),
    Intervention(
        code="edu_psych",
        kind="education",
        title="Pain, worry and stress",
        purpose="Worry, stress and poor sleep can turn up pain. Working on them is part of your "
        "care.",
        steps=(
            "Worry, poor sleep and stress can make pain feel worse. This is normal, and it can "
            "change.",
            "Pain does not always mean harm. Your back is strong and can adapt.",
            "Going back step by step to the things you value, like running, is part of your "
            "treatment.",
            "We will see you again soon to check how you are doing.",
        ),
        evidence=("S41b", "S41d", "S34a"),
    ),
    Intervention(
        code="neural_care",
        kind="education",
        title="Looking after a sensitive nerve",
        purpose="Your leg symptoms may come from a nerve that is sensitive at the moment.",
        steps=(
            "Do not stretch hard into leg tingling or pain on that side.",
            "Walk each day, at a pace and distance that does not make leg symptoms spread.",
            "We will check the nerves in your legs again at each visit.",
            "Tell us straight away if you get new numbness, weakness, or symptoms in both legs.",
        ),
        evidence=("S33a", "S37"),
    ),
    Intervention(
        code="lifestyle",
        kind="education",
        title="Sleep, stress and recovery",
        purpose="Good recovery helps your body adapt to your running and exercises.",
        steps=(
            "Try to keep regular, good sleep. Your body recovers while you sleep.",
            "Busy or stressful weeks can make pain feel worse. Plan easier runs in those weeks.",
            "Eat enough to fuel your running, and drink when you are thirsty.",
            "Stay active on rest days with walks or gentle movement.",
        ),
        evidence=("S41a",),
    ),
    # --- exercises (evidence §3.3) ----------------------------------------------------------------
    Intervention(
        code="plank",
        kind="exercise",
        title="Forearm plank",
        purpose="Builds endurance in the muscles at the front of your trunk.",
        steps=(
            "Lie face down. Put your forearms on the floor with your elbows under your shoulders.",
            "Lift your body so it makes a straight line from head to heels.",
            "Keep your back level. Do not let your hips sag or stick up.",
            "Breathe as normal while you hold, then lower gently.",
        ),
        sets=1,
        reps=4,
        hold_s=15,
        days_per_week=5,
        rest_s=30,
        progression="Add 5 to 10 seconds to each hold each week while your form stays good.",
        regression="Rest on your knees instead of your toes.",
        cautions="Stop the hold when your hips start to sag.",
        illustration="plank",
        evidence=("S42a", "S28a"),
    ),
    Intervention(
        code="side_plank",
        kind="exercise",
        per_side=True,
        title="Side plank",
        purpose="Builds endurance in the muscles at the side of your trunk.",
        steps=(
            "Lie on your side with your elbow under your shoulder.",
            "Bend your knees to start.",
            "Lift your hips so your head, shoulders, hips and knees make a line.",
            "Hold, then lower slowly. Do the same on the other side.",
        ),
        sets=1,
        reps=5,
        hold_s=10,
        days_per_week=5,
        rest_s=20,
        progression="Straighten your legs, then hold for longer. Aim for the same time on both "
        "sides.",
        regression="Keep your knees bent and hold for a shorter time.",
        cautions="Stop the hold when your hips start to drop.",
        illustration="side_plank",
        evidence=("S42a", "S26"),
    ),
    Intervention(
        code="bird_dog",
        kind="exercise",
        per_side=True,
        title="Bird dog",
        purpose="Trains your back muscles to keep your spine steady while your arms and legs move.",
        steps=(
            "Start on your hands and knees. Hands under shoulders, knees under hips.",
            "Reach one arm forward and the other leg back.",
            "Keep your lower back still. Do not let it arch or twist.",
            "Hold, then lower and swap sides.",
        ),
        sets=3,
        reps=6,
        hold_s=8,
        days_per_week=5,
        rest_s=10,
        progression="Add a round, or hold for up to 10 seconds, while your back stays still.",
        regression="Move only your leg and keep both hands on the floor.",
        illustration="bird_dog",
        evidence=("S42a", "S42c"),
    ),
    Intervention(
        code="curl_up",
        kind="exercise",
        title="Curl-up",
        purpose="Trains the muscles at the front of your trunk without bending your back a lot.",
        steps=(
            "Lie on your back with one knee bent and the other leg straight.",
            "Put your hands under your lower back to keep its natural curve.",
            "Lift your head and shoulders a little off the floor. Keep your neck still.",
            "Hold, then lower. Swap legs halfway through.",
        ),
        sets=3,
        reps=6,
        hold_s=10,
        days_per_week=5,
        rest_s=10,
        progression="Lift your elbows off the floor too, or add a round.",
        regression="Lift only your head.",
        illustration="curl_up",
        evidence=("S42a", "S42b"),
    ),
    Intervention(
        code="glute_bridge",
        kind="exercise",
        title="Glute bridge",
        purpose="Strengthens your buttock muscles, which help keep your pelvis steady when you "
        "run.",
        steps=(
            "Lie on your back with your knees bent and feet flat.",
            "Squeeze your buttocks and lift your hips.",
            "Stop when your shoulders, hips and knees are in a line.",
            "Lower slowly.",
        ),
        sets=3,
        reps=12,
        days_per_week=3,
        rest_s=60,
        progression="Hold for 2 seconds at the top. Then move on to the single-leg bridge.",
        regression="Lift your hips only part of the way.",
        illustration="glute_bridge",
        evidence=("S44",),
    ),
    Intervention(
        code="single_leg_bridge",
        kind="exercise",
        per_side=True,
        title="Single-leg bridge",
        purpose="Strengthens the buttock muscles of one leg at a time.",
        steps=(
            "Lie on your back with your knees bent and feet flat.",
            "Lift one foot off the floor and keep that knee bent.",
            "Push through the other foot and lift your hips.",
            "Lower slowly. Keep your hips level the whole time.",
        ),
        sets=3,
        reps=10,
        days_per_week=3,
        rest_s=60,
        progression="Hold at the top for 2 seconds, or add more reps.",
        regression="Go back to the two-leg bridge.",
        illustration="single_leg_bridge",
        evidence=("S44",),
    ),
    Intervention(
        code="clamshell",
        kind="exercise",
        per_side=True,
        title="Clamshell (side-lying hip exercise)",
        purpose="Strengthens the muscles at the side of your hip. These help keep your pelvis "
        "level when you run.",
        steps=(
            "Lie on your side with your hips and knees bent and your feet together.",
            "Keep your feet touching and lift your top knee.",
            "Do not let your hips roll back.",
            "Lower slowly. Then do the other side.",
        ),
        sets=3,
        reps=12,
        days_per_week=3,
        rest_s=45,
        progression="Add a light band around your knees. Later, lift your straight top leg out to "
        "the side.",
        regression="Make the movement smaller.",
        illustration="clamshell",
        evidence=("S44", "S21"),
    ),
    Intervention(
        code="single_leg_balance",
        kind="exercise",
        per_side=True,
        title="Single-leg balance",
        purpose="Trains balance and control of your hip and pelvis on one leg, as in running.",
        steps=(
            "Stand on one leg next to a wall or chair.",
            "Keep your hips level and your knee a little bent.",
            "Hold for the time set, then swap legs.",
        ),
        sets=3,
        hold_s=30,
        days_per_week=5,
        rest_s=15,
        progression="Close your eyes, or stand on a cushion. Then move on to step-downs.",
        regression="Touch the wall lightly with one hand.",
        cautions="Keep something to hold within reach.",
        illustration="single_leg_balance",
        evidence=("S32b",),
    ),
    Intervention(
        code="step_down",
        kind="exercise",
        per_side=True,
        title="Step-down",
        purpose="Builds strength and control of your hip and knee on one leg.",
        steps=(
            "Stand on one leg on the bottom step.",
            "Slowly bend that knee and lower the other heel toward the floor.",
            "Keep your hips level and your knee over your second toe.",
            "Push back up slowly. Then swap legs.",
        ),
        sets=2,
        reps=10,
        days_per_week=3,
        rest_s=60,
        progression="Use a higher step.",
        regression="Use a lower step, or hold the rail.",
        illustration="step_down",
        evidence=("S32b",),
    ),
    Intervention(
        code="cat_cow",
        kind="exercise",
        title="Cat–cow",
        purpose="A gentle way to move your back when it feels stiff or sore.",
        steps=(
            "Start on your hands and knees.",
            "Slowly round your back up toward the ceiling.",
            "Then let your back sag gently down.",
            "Stay in a range that feels comfortable, and keep breathing.",
        ),
        gentle_steps=(
            "Start on your hands and knees.",
            "Slowly round your back up toward the ceiling, then let it come back to level.",
            "Move only as far as is free of pain, and keep breathing.",
        ),
        sets=1,
        reps=10,
        days_per_week=7,
        progression="Do it once or twice a day, or whenever your back feels stiff.",
        regression="Make the movement smaller.",
        illustration="cat_cow",
        evidence=("S43",),
    ),
    Intervention(
        code="childs_pose",
        kind="exercise",
        title="Child's pose",
        purpose="A resting stretch that many people find eases a sore back.",
        steps=(
            "Kneel on the floor with your knees apart.",
            "Sit back toward your heels.",
            "Reach your arms forward and rest your head down.",
            "Breathe slowly and hold.",
        ),
        gentle_steps=(
            "Kneel on the floor with your knees apart.",
            "Sit back toward your heels only as far as is free of pain.",
            "Rest there for a few slow breaths, then come back up.",
        ),
        reps=2,
        hold_s=30,
        days_per_week=7,
        progression="Hold for longer if it feels good.",
        regression="Put a pillow under your chest or between your heels and buttocks.",
        illustration="childs_pose",
        evidence=("S43", "S43b"),
    ),
    Intervention(
        code="knee_to_chest",
        kind="exercise",
        per_side=True,
        title="Knee-to-chest stretch",
        purpose="A gentle stretch for your lower back.",
        steps=(
            "Lie on your back with your knees bent.",
            "Hold one knee and draw it gently toward your chest.",
            "Hold, then lower it and swap legs.",
            "You can hug both knees at once if that feels better.",
        ),
        gentle_steps=(
            "Lie on your back with your knees bent.",
            "Draw one knee gently toward your chest, only as far as is free of pain.",
            "Lower it slowly and swap legs.",
        ),
        reps=2,
        hold_s=30,
        days_per_week=7,
        progression="Hug both knees at once.",
        regression="Move the knee only part of the way.",
        illustration="knee_to_chest",
        evidence=("S43",),
    ),
    Intervention(
        code="walking",
        kind="exercise",
        title="Walking, as you feel able",
        purpose="Walking keeps you moving and helps your back while you wait to be seen.",
        steps=(
            "Walk each day, at an easy pace.",
            "Go as far as feels comfortable, and stop before your pain builds.",
            "Short walks more often are fine if long ones stir up your pain.",
        ),
        days_per_week=7,
        evidence=("S34c", "S20b"),
    ),
    Intervention(
        code="hip_flexor_stretch",
        kind="exercise",
        per_side=True,
        named_side_only=True,
        title="Half-kneeling hip-flexor stretch",
        purpose="Stretches the muscles at the front of your hip.",
        steps=(
            "Kneel on one knee with the other foot flat on the floor in front of you.",
            "Tuck your pelvis under, as if you were flattening your back.",
            "Shift your weight forward until you feel a stretch at the front of the hip.",
            "Hold, then ease off.",
        ),
        reps=2,
        hold_s=30,
        days_per_week=7,
        progression="Raise the arm on the stretched side over your head.",
        regression="Shift forward less.",
        cautions="Put a cushion under your knee.",
        illustration="hip_flexor_stretch",
        evidence=("S43", "S30"),
    ),
    Intervention(
        code="hamstring_stretch",
        kind="exercise",
        per_side=True,
        named_side_only=True,
        title="Hamstring stretch",
        purpose="Stretches the muscles at the back of your thigh.",
        steps=(
            "Lie on your back and loop a strap or towel around one foot.",
            "Keep that knee straight and raise the leg until you feel a stretch at the back of the "
            "thigh.",
            "Hold, then lower slowly.",
        ),
        reps=2,
        hold_s=30,
        days_per_week=7,
        progression="Raise the leg a little further as it gets easier.",
        regression="Bend the knee slightly.",
        cautions="Stop if it brings on tingling or numbness in your leg.",
        illustration="hamstring_stretch",
        evidence=("S43", "S43b"),
    ),
    # --- running, load and cross-training (evidence §3.5, §3.6, R1, R2, W1) -----------------------
    Intervention(
        code="run_pause",
        kind="running",
        title="Pause running until you have been seen",
        purpose="A doctor needs to check your back before you run again.",
        steps=(
            "Stop running, jumping and hopping for now.",
            "Keep walking as far as feels comfortable.",
            "Ask the doctor before you start cycling, swimming or other training.",
            "We will plan your return to running after you have been seen.",
        ),
        evidence=("S20b",),
    ),
    Intervention(
        code="load_reset",
        kind="load",
        title="Reset your weekly running",
        purpose="Going back to a weekly amount your back handled well may reduce the load on it.",
        steps=(
            # {level}: the item's target, e.g. "about 40 km a week" (physio/pdf/plan_sheet.py).
            "Drop your weekly running back to {level}.",
            "Keep at least one rest or cross-training day each week.",
            "Build back up in small steps. Change one thing at a time: first distance, then speed, "
            "then hills.",
            "Avoid big jumps. In one study of new runners, adding more than 30% in two weeks was "
            "linked to more injuries.",
        ),
        days_per_week=None,
        evidence=("S17", "S18", "S18b"),
    ),
    Intervention(
        code="running_week",
        kind="running",
        title="Your running this week",
        purpose="How much to run this week, and how to judge next week from how your back "
        "responds.",
        steps=(
            "Run on the days and distances below. Easy runs at a pace you could talk at.",
            "Keep at least one day a week with no running.",
            "After each run, note your pain during the run and the next morning.",
        ),
        evidence=("S17", "S18", "S19"),
    ),
    Intervention(
        code="walk_run",
        kind="running",
        title="Walk–run plan",
        purpose="Keeps you running while your back settles, with short jogs between walks.",
        steps=(
            "Do 4 blocks of walking and jogging at your stage: 20 minutes in all.",
            "Use level ground. Leave at least one day between runs.",
            "Move up one stage only if pain stays at 3/10 or less and has settled by the next "
            "morning.",
            "If pain goes above 5/10, stop and walk. Next time, go back one stage.",
        ),
        days_per_week=3,
        progression="Repeat each stage until it feels easy, then move up one stage.",
        regression="Go back one stage.",
        cautions="Start once you can walk briskly for 30 minutes without pain or a limp.",
        illustration="walk_run",
        evidence=("S20a", "S20b", "S19"),
        stages=WALK_RUN_STAGES,
    ),
    Intervention(
        code="pain_monitoring",
        kind="running",
        title="Pain rules for running",
        purpose="Lets you keep running while you check that your back copes with the load.",
        steps=(
            "During a run, pain up to 3/10 is fine.",
            "Pain of 4 or 5 out of 10 is all right if it settles.",
            "If pain goes above 5/10, stop and walk.",
            "Pain and stiffness should settle by the next morning.",
            "Do not run more while pain is getting worse from week to week.",
        ),
        evidence=("S19",),
    ),
    Intervention(
        code="cadence",
        kind="running",
        title="Slightly quicker steps",
        purpose="A step rate about 5% quicker may reduce load on your hips and knees. It has not "
        "been shown to treat back pain.",
        steps=(
            "Set a metronome app or your watch to your target steps per minute.",
            "Keep your usual easy pace. Take slightly shorter, quicker steps.",
            "Start with short parts of a run, such as 1 to 2 minutes in every 5.",
            "Build up over 2 to 4 weeks until it feels normal on your easy runs.",
        ),
        days_per_week=3,
        progression="Use the new step rate for longer parts of each easy run.",
        regression="Use it for shorter parts of the run.",
        cautions="If runs feel much harder at the new step rate, use a smaller change.",
        illustration="cadence",
        evidence=("S12", "S12b", "S12c"),
    ),
    Intervention(
        code="cadence_later",
        kind="running",
        title="Your step rate: later",
        purpose="One change at a time: the step rate waits until your running is steady.",
        steps=(
            "Keep your usual step rate for now.",
            "Put your effort into this week's running and your exercises first.",
            "We will check your step rate again and set a target when your running is steady.",
        ),
        evidence=("S12b",),
    ),
    Intervention(
        code="warm_up",
        kind="running",
        title="Warm-up before you run",
        purpose="Gets your body ready to run.",
        steps=(
            "Walk briskly or jog easily for 5 to 10 minutes.",
            "Then do a few easy drills, such as leg swings, high knees and heel flicks.",
            "Start your run at an easy pace.",
            "Save longer stretches for after your run.",
        ),
        progression="Add a few short, relaxed faster strides before harder runs.",
        illustration="warm_up_drills",
        evidence=("S43c",),
    ),
    Intervention(
        code="warm_up_walk",
        kind="running",
        title="Warm-up before your walk–run",
        purpose="Gets your body ready for the walk–run blocks.",
        steps=(
            "Walk briskly for 5 to 10 minutes before your first jog.",
            "No faster running: the jogs in your blocks are all the running for now.",
            "Save longer stretches for after.",
        ),
        evidence=("S43c",),
    ),
    Intervention(
        code="run_tall",
        kind="running",
        title="Run tall",
        purpose="Simple cues for your running posture. They are coaching tips, not a proven "
        "treatment, but many runners find them useful.",
        steps=(
            "Think of running tall, as if a string pulls the top of your head up.",
            "Look ahead, not down at your feet.",
            "Keep your shoulders low and relaxed.",
            "Use these cues for a few minutes at a time on easy runs.",
        ),
        evidence=("S21", "S22"),
    ),
    Intervention(
        code="surface",
        kind="running",
        title="Surfaces and hills",
        purpose="Changing where you run changes the load on your body. No surface has been shown "
        "to cause back pain.",
        steps=(
            "Mix the surfaces you find comfortable, such as road, track, grass or trail.",
            "Choose flatter routes for now.",
            "Cut down on downhill running while your back settles. Walk the steep parts if you "
            "need to.",
        ),
        evidence=("S45b", "S20b"),
    ),
    Intervention(
        code="cross_training",
        kind="cross_training",
        title="Cross-training",
        purpose="Keeps up your fitness with less load on your back than running.",
        steps=(
            "Use cycling, swimming or the cross-trainer on days without a run, or in place of a "
            "run while you run less.",
            "Work at about the same effort as an easy run, for about the same time.",
            "Stop any activity that makes your pain worse the next morning.",
        ),
        days_per_week=2,
        evidence=("S34a", "S46n"),
    ),
    # --- footwear (evidence §3.7) -----------------------------------------------------------------
    Intervention(
        code="shoe_replace",
        kind="footwear",
        title="Replace your running shoes now",
        purpose="Your shoes have done a lot of running. New shoes are a simple change to make.",
        steps=(
            "Replace your main pair now.",
            "Log the kilometres on the new pair, for example in your watch app.",
            "Many runners replace shoes every 500 to 800 km, or sooner if the sole looks creased. "
            "This is a rule of thumb, not a proven way to prevent injury.",
            "Use the new pair on shorter runs at first.",
        ),
        evidence=("S25a", "S25b"),
    ),
    Intervention(
        code="shoe_check",
        kind="footwear",
        title="Plan to replace your shoes soon",
        purpose="Your shoes are getting close to the distance at which many runners replace them.",
        steps=(
            "Check your shoes for a creased sole or uneven wear.",
            "Plan to replace them in the next few weeks.",
            "Keep a log of your kilometres.",
        ),
        evidence=("S25a", "S25b"),
    ),
    Intervention(
        code="shoe_drop",
        kind="footwear",
        title="Change heel drop slowly",
        purpose="A sudden change of shoe is a change of load.",
        steps=(
            "Go back to shoes with your usual heel-to-toe drop.",
            "Or bring in the new shoes slowly: start with short runs and use them a bit more each "
            "week.",
            "In one trial, regular runners who switched to low-drop shoes had more injuries.",
        ),
        evidence=("S23",),
    ),
    Intervention(
        code="no_orthotics",
        kind="footwear",
        title="Insoles are not a treatment for back pain",
        purpose="UK guidance (NICE) does not advise insoles or orthotics to treat back pain.",
        steps=(
            "You do not need insoles for your back.",
            "If they were given to you for another problem, such as your feet, you can keep using "
            "them.",
            "Talk to the person who gave them to you before you stop.",
        ),
        evidence=("S34b",),
    ),
)

#: Every item a plan can hold, by code.
INTERVENTIONS: dict[str, Intervention] = {i.code: i for i in _ALL}

#: Exercise codes, in the order of evidence §3.3 (EX1–EX13).
EXERCISE_CODES: tuple[str, ...] = tuple(i.code for i in _ALL if i.kind == "exercise")


def get(code: str) -> Intervention | None:
    return INTERVENTIONS.get(code)


#: Where each item prints in the patient's handout (its position in this library).
LIBRARY_ORDER: dict[str, int] = {i.code: n for n, i in enumerate(_ALL)}


@dataclass(frozen=True)
class HandoutSection:
    """One section of the patient's handout, in the order of docs/plan-rules.md ("The PDF a
    patient takes home"). ``kinds``: the plan items it prints (every included item of those
    kinds, so a new library item appears without touching the PDF code); items of a section
    print in library order, except exercises, which keep the physio's order."""

    key: str
    heading: str
    kinds: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    keep_plan_order: bool = False


HANDOUT_SECTIONS: tuple[HandoutSection, ...] = (
    HandoutSection("glance", "Your plan at a glance"),
    HandoutSection("exercises", "Your exercises", ("exercise",), keep_plan_order=True),
    HandoutSection("running", "Your running and load plan", ("load", "running", "cross_training")),
    HandoutSection("footwear", "Your running shoes", ("footwear",)),
    HandoutSection("flare", "If your pain flares up", codes=("flare_up",)),
    HandoutSection("education", "Understanding your back", ("education",)),
    HandoutSection("safety", "Warning signs: when to get help", codes=("safety_net", "ces_card")),
    HandoutSection("progress", "Your progress"),
    HandoutSection("review", "Your next review"),
    # A page to tick by hand: the plan's exercises and runs, day by day (issue 13).
    HandoutSection("diary", "Your two-week diary"),
)


# The safety-net boxes, the cauda equina card and the flare-up box depend on the plan (the
# clinic's country, what the plan holds): physio/plan/texts.py builds them.

PAIN_RULES = TextBox(
    title="Pain rules for running",
    intro="Use your pain to guide how much you run:",
    points=(
        "during a run, pain of 0 to 3 out of 10 is fine",
        "4 or 5 out of 10 is all right if it settles",
        "above 5 out of 10: stop and walk",
        "pain and stiffness should settle by the next morning",
        "do not run more while pain is getting worse from week to week",
    ),
)

#: The rule for next week under "Your running this week" ({next}, {total}, {back}: km figures,
#: physio/pdf/plan_sheet.py). Pain-monitoring model [S19]; ≈ 10 % steps, not a proven law [S18].
NEXT_WEEK_RULE = TextBox(
    title="Next week",
    intro="Let this week's runs decide next week:",
    points=(
        "every run 3/10 or less, and settled by the next morning: about {next} next week "
        "(about 10% more)",
        "a run at 4 or 5/10 that settles by the next morning: keep to about {total} again",
        "a run above 5/10, or pain not settled by the next morning: drop back to about {back}, "
        "and contact us if it happens after two runs in a row",
    ),
)

#: Before a race (running.py, taper): next week comes down again, never up (INFERRED).
TAPER_NEXT_WEEK_RULE = TextBox(
    title="Next week",
    intro="Your race is close, so the running does not go up again before it:",
    points=(
        "every run 3/10 or less, and settled by the next morning: about {next} next week, with "
        "no build-up before your race",
        "a run above 5/10, or pain not settled by the next morning: drop back to about {back}, "
        "and contact us before your race",
    ),
)

#: Race week (a taper with the race 7 days away or fewer): no figure for next week (INFERRED).
RACE_WEEK_NEXT_RULE = TextBox(
    title="After your race",
    intro="Your race is this week, so there is no build-up before it:",
    points=(
        "after the race, a few easy days of walking or gentle cross-training before you run again",
        "then start again at about {back} a week and let the pain rules decide from there",
        "a run above 5/10 before the race, or pain not settled by the next morning: contact us "
        "before your race",
    ),
)

FOOTER = (
    "This plan was written for you by {physio_name} ({registration}) on {date}. It does not "
    "replace medical advice."
)
