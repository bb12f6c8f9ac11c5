"""Fast bulk generator: clinics, staff, 100k patients and 1M assessments (with PSFS rows) written
straight into a migrated database, never through the ORM row by row: SQLite through `executemany`,
PostgreSQL through `COPY`, into the app's tables (clinics, users, patients) and into a narrow
table of visits plus a pool of ≈1,800 finding sets, from which one `INSERT … SELECT` per database
builds the wide assessment rows (timestamps, hashes and dates computed in SQL) and their PSFS
items. Binding 170 values per row from Python would take minutes; this takes ≈1–2 minutes for
both databases at once on 2 cores.

Realism (what the queries of bench/scale.py see):

- Clinics of very different sizes (Zipf-like: the largest holds ≈29% of the patients), 1 admin and
  one physio per ≈1,500 patients (at least 2) each.
- Patient names drawn from common first and last names (some with accents: Ørsted, Müller,
  Núñez…), skewed like real surnames; dates of birth 1945–2009; clinic references unique per clinic
  (10% without one); 1% archived.
- Visits per patient: exponential around the mean (1M / 100k = 10), capped at 80; visits come in
  episodes (an initial assessment then reviews 1–6 weeks apart; episodes months apart) over the last
  6 years (none older than 8). Assessment ids follow creation time across all patients (rows of
  one patient are spread through the table, as in real life).
- Findings: every assessment is one of the 20 demo stories (physio/demo_records.py: every plan rule,
  an E and a U red-flag case) with its numbers jittered (pain, load, strength, footwear…) so the
  values are plausible and self-consistent (best pain ≤ worst pain, onset before the visit).
  Red-flag cases are rare (weight 1/20 of an ordinary story).
- Status: ≈1.5% of past visits are forgotten drafts, half of the visits of the last 24 h are open
  drafts, the rest signed; 1% of signed visits were amended (a second, signed version; a few
  amendments are still open drafts). Drafts have about half their sections left empty.

Usage (the schema must exist: `flask --app physio db upgrade`):
    python bench/bulkgen.py --sqlite /tmp/x.sqlite [--size 1.0]
    python bench/bulkgen.py --postgres "host=127.0.0.1 port=54329 user=postgres dbname=x"
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sqlite3  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from physio.clinical.schema import PSFS_ENTRIES, all_fields  # noqa: E402
from physio.demo_records import DEMO_TODAY, DEMO_VISITS  # noqa: E402
from physio.models.patient import search_key  # noqa: E402

FULL_PATIENTS = 100_000
FULL_ASSESSMENTS = 1_000_000
BULK_PASSWORD = "run-easy-2026"

FIRST_F = [
    "Emma",
    "Olivia",
    "Sophie",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Grace",
    "Freya",
    "Lily",
    "Ella",
    "Chloe",
    "Hannah",
    "Lucy",
    "Sarah",
    "Priya",
    "Aoife",
    "Siobhan",
    "Niamh",
    "Zara",
    "Amira",
    "Fatima",
    "Aisha",
    "Mei",
    "Yuki",
    "Ana",
    "María",
    "Lucía",
    "Sofía",
    "Giulia",
    "Chiara",
    "Léa",
    "Chloé",
    "Inès",
    "Zoë",
    "Lena",
    "Anna",
    "Katarzyna",
    "Agnieszka",
    "Ingrid",
    "Astrid",
    "Sigrid",
    "Åsa",
    "Björk",
    "Ewa",
    "Noor",
    "Leila",
    "Ngozi",
    "Amara",
    "Chidinma",
    "Ji-woo",
    "Seo-yeon",
    "Rosa",
    "Helena",
    "Martina",
    "Jane",
    "Kate",
    "Laura",
    "Rachel",
    "Rebecca",
    "Claire",
    "Emily",
    "Jessica",
    "Charlotte",
    "Alice",
]
FIRST_M = [
    "Oliver",
    "George",
    "Harry",
    "Jack",
    "Noah",
    "Leo",
    "Arthur",
    "Oscar",
    "Charlie",
    "Thomas",
    "James",
    "William",
    "Daniel",
    "Samuel",
    "Joseph",
    "Liam",
    "Sean",
    "Ciarán",
    "Oisín",
    "Mohammed",
    "Ahmed",
    "Omar",
    "Yusuf",
    "Ali",
    "Hiroshi",
    "Kenji",
    "Wei",
    "Jun",
    "José",
    "Juan",
    "Luis",
    "Carlos",
    "Javier",
    "Mateo",
    "Luca",
    "Marco",
    "Matteo",
    "Lorenzo",
    "Louis",
    "Hugo",
    "Théo",
    "Jérôme",
    "Lukas",
    "Jonas",
    "Felix",
    "Marek",
    "Piotr",
    "Tomasz",
    "Jakub",
    "Lars",
    "Sven",
    "Björn",
    "Søren",
    "Kwame",
    "Kofi",
    "Chinedu",
    "Emeka",
    "Min-jun",
    "Tom",
    "Chris",
    "Mark",
    "Paul",
    "Richard",
    "Andrew",
    "David",
    "Michael",
    "Peter",
    "Robin",
]
LAST = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Graham",
    "Pearson",
    "Ahmed",
    "Fletcher",
    "Walsh",
    "Kaur",
    "Gibson",
    "Howard",
    "Andrews",
    "Stewart",
    "Elliott",
    "Reynolds",
    "Saunders",
    "Payne",
    "Fox",
    "Ford",
    "Pearce",
    "Day",
    "Brooks",
    "West",
    "Lawrence",
    "Cole",
    "Atkinson",
    "Bradley",
    "Spencer",
    "Gill",
    "Dawson",
    "Ball",
    "Burton",
    "O'Brien",
    "Watts",
    "Rose",
    "Booth",
    "Perry",
    "Ryan",
    "Grant",
    "Wells",
    "Armstrong",
    "Francis",
    "Rees",
    "Hayes",
    "Hart",
    "Hudson",
    "Newman",
    "Barrett",
    "Webster",
    "Hunter",
    "Gregory",
    "Carr",
    "Lowe",
    "Page",
    "Marsh",
    "Riley",
    "Dunn",
    "Woods",
    "Stone",
    "Parsons",
    "Byrne",
    "Nowak",
    "Kowalski",
    "Wiśniewski",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schäfer",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Braun",
    "Zimmermann",
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "García",
    "Fernández",
    "González",
    "Rodríguez",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Núñez",
    "Muñoz",
    "Álvarez",
    "Jiménez",
    "Martin",
    "Bernard",
    "Dubois",
    "Durand",
    "Lefèvre",
    "Moreau",
    "Laurent",
    "Girard",
    "Bonnet",
    "Ørsted",
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Larsen",
    "Sørensen",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Lindqvist",
    "Öberg",
    "Åberg",
    "Okafor",
    "Mensah",
    "Adeyemi",
    "Okonkwo",
    "Boateng",
    "Asante",
    "Nguyen",
    "Tran",
    "Le",
    "Pham",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Kim",
    "Park",
    "Choi",
    "Jung",
    "Sato",
    "Suzuki",
    "Takahashi",
    "Tanaka",
    "Watanabe",
    "Ito",
    "Yamamoto",
    "Nakamura",
    "Kobayashi",
    "Kato",
    "Shah",
    "Mehta",
    "Gupta",
    "Sharma",
    "Iyer",
    "Reddy",
    "Nair",
    "Rao",
    "Das",
    "Bose",
    "Chowdhury",
    "Rahman",
    "Hossain",
    "Islam",
    "Malik",
    "Qureshi",
    "Silva",
    "Santos",
    "Ferreira",
    "Pereira",
    "Oliveira",
    "Costa",
    "Rodrigues",
    "Almeida",
    "Carvalho",
    "Sousa",
    "O'Connor",
    "O'Sullivan",
    "McCarthy",
    "Doyle",
    "Kennedy",
    "Lynch",
    "Quinn",
    "Gallagher",
    "Doherty",
    "MacDonald",
    "Fraser",
    "Reid",
    "Ross",
    "Robertson",
    "Cameron",
    "Hamilton",
    "Kerr",
    "Duncan",
    "Ferguson",
    "Hill-Wood",
    "Evans-Price",
]

# Numbers jittered per story (relative spread); everything else is kept as the story has it.
KM_FIELDS = ("weekly_km_w1", "weekly_km_w2", "weekly_km_w3", "weekly_km_w4", "longest_run_km")
PAIN_FIELDS = (
    "nprs_now",
    "nprs_best_24h",
    "nprs_worst_24h",
    "nprs_during_run",
    "nprs_next_morning",
)
DATE_COLUMNS = ("history_onset_date", "training_target_event_date")


# --- the plan of the data set -------------------------------------------------------------------


@dataclass
class Plan:
    patients: int
    assessments: int
    seed: int
    now: datetime
    clinics: list[tuple] = field(default_factory=list)  # id, name, phone, odi, sbst, created
    users: list[tuple] = field(default_factory=list)  # id, clinic, name, email, role, reg
    physios: dict[int, list[int]] = field(default_factory=dict)  # clinic -> physio ids
    patient_rows: list[tuple] = field(default_factory=list)
    visits: list[tuple] = field(default_factory=list)  # see _visits()
    pool_signed: list[dict] = field(default_factory=list)
    pool_draft: list[dict] = field(default_factory=list)
    clinic_sizes: dict[int, int] = field(default_factory=dict)

    @property
    def largest_clinic(self) -> int:
        return max(self.clinic_sizes, key=self.clinic_sizes.get)


def _zipf_weights(n: int, s: float) -> list[float]:
    return [1 / (k**s) for k in range(1, n + 1)]


def build_plan(
    size: float = 1.0, seed: int = 2026, clinics: int = 12, now: datetime | None = None
) -> Plan:
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    plan = Plan(
        patients=max(50, int(FULL_PATIENTS * size)),
        assessments=max(500, int(FULL_ASSESSMENTS * size)),
        seed=seed,
        now=now,
    )

    # clinics and their patient counts
    weights = _zipf_weights(clinics, 0.9)
    clinic_of = rng.choices(range(1, clinics + 1), weights=weights, k=plan.patients)
    for c in range(1, clinics + 1):
        plan.clinic_sizes[c] = 0
    for c in clinic_of:
        plan.clinic_sizes[c] += 1
    created = now - timedelta(days=6 * 365 + 30)
    for c in range(1, clinics + 1):
        plan.clinics.append(
            (
                c,
                f"Bench Clinic {c:02d} Running Physio",
                f"020 7946 {c:04d}",
                c % 3 != 0,
                c % 2 == 0,
                created,
            )
        )
    uid = 0
    for c in range(1, clinics + 1):
        uid += 1
        plan.users.append((uid, c, f"Admin {c}", f"admin{c}@bench.example", "ADMIN", None))
        plan.physios[c] = []
        for k in range(max(2, plan.clinic_sizes[c] // 1500)):
            uid += 1
            plan.users.append(
                (
                    uid,
                    c,
                    f"{rng.choice(FIRST_F + FIRST_M)} {rng.choice(LAST)}",
                    f"physio{k + 1}@c{c}.bench.example",
                    "PHYSIO",
                    f"PH{c:02d}{k:04d}",
                )
            )
            plan.physios[c].append(uid)

    plan.pool_signed, plan.pool_draft = _record_pool(rng, 1500, 300)
    _visits(plan, rng, clinic_of)
    return plan


def _record_pool(rng: random.Random, n_signed: int, n_draft: int):
    """Jittered copies of the demo stories, as {column: value} (values as the ORM stores them)."""
    stories = []
    for v in DEMO_VISITS:
        seen = DEMO_TODAY - timedelta(days=v.days_ago)
        rf = v.record["red_flags"]
        rare = rf.get("decision") in ("referred_emergency", "referred_urgent")
        stories.append((v, seen, 0.05 if rare else 1.0))
    initial = [s for s in stories if s[0].kind == "initial" and s[0].sign]
    review = [s for s in stories if s[0].kind == "review"]
    columns = [(section.name, f, f.column(section.name)) for section, f in all_fields()]

    def jitter(story) -> dict:
        visit, seen, _ = story
        # sections copied (the jitter changes them); lists inside are only read
        record = {k: dict(v) if isinstance(v, dict) else v for k, v in visit.record.items()}
        record["training"] = dict(record["training"])
        pain = record["pain"]
        delta = rng.choice((-2, -1, -1, 0, 0, 0, 1, 1, 2))
        for name in PAIN_FIELDS:
            if pain.get(name) is not None:
                pain[name] = max(0, min(10, pain[name] + delta))
        if pain.get("nprs_best_24h") is not None and pain.get("nprs_worst_24h") is not None:
            lo, hi = sorted((pain["nprs_best_24h"], pain["nprs_worst_24h"]))
            pain["nprs_best_24h"], pain["nprs_worst_24h"] = lo, hi
        scale = rng.uniform(0.6, 1.5)
        for name in KM_FIELDS:
            value = record["training"].get(name)
            if value is not None:
                record["training"][name] = min(
                    Decimal(300),
                    (Decimal(value) * Decimal(f"{scale:.2f}")).quantize(Decimal("0.1")),
                )
        row = {}
        for section, f, column in columns:
            value = record[section].get(f.name)
            if (
                value is not None
                and f.kind == "int"
                and section in ("physical", "footwear")
                and f.max
                and f.max > 10
            ):
                value = max(f.min, min(f.max, round(value * rng.uniform(0.75, 1.3))))
            if value is not None and f.kind == "decimal" and section != "training":
                value = max(
                    f.min,
                    min(
                        f.max,
                        (Decimal(value) * Decimal(f"{rng.uniform(0.85, 1.15):.2f}")).quantize(
                            Decimal(1).scaleb(-f.places)
                        ),
                    ),
                )
            row[column] = value
        onset = record["history"].get("onset_date")
        target = record["training"].get("target_event_date")
        row["_onset_days"] = (seen - onset).days + rng.randint(-10, 30) if onset else None
        row["_target_days"] = (target - seen).days + rng.randint(-20, 60) if target else None
        row["_psfs"] = [
            (
                p.get("activity"),
                None
                if p.get("score") is None
                else max(0, min(10, p["score"] + rng.choice((-1, 0, 0, 1)))),
            )
            for p in record["outcomes"]["psfs"][:PSFS_ENTRIES]
        ]
        row["_kind"] = visit.kind
        return row

    def pick(pool):
        return rng.choices(pool, weights=[s[2] for s in pool])[0]

    signed = [jitter(pick(initial)) for _ in range(n_signed // 2)]
    signed += [jitter(pick(review)) for _ in range(n_signed - len(signed))]
    sections = sorted({section for section, _, _ in columns} - {"history"})
    drafts = []
    for i in range(n_draft):
        row = jitter(pick(initial if i % 2 == 0 else review))
        blank = set(rng.sample(sections, len(sections) // 2))
        for section, f, column in columns:
            if section in blank:
                row[column] = [] if f.kind == "multi" else None
        if "training" in blank:
            row["_target_days"] = None
        if "outcomes" in blank:
            row["_psfs"] = []
        drafts.append(row)
    return signed, drafts


def _visits(plan: Plan, rng: random.Random, clinic_of: list[int]) -> None:
    """Every assessment row as a tuple, ordered by creation time (= id order):
    (created_min, patient_id, clinic_id, kind, seen_min, status, physio, pool, version, root_ix)
    Times are minutes since the epoch (UTC). root_ix: index (in this list) of version 1."""
    n_pat, n_rows = plan.patients, plan.assessments
    mean = n_rows / n_pat
    counts = [min(80, 1 + int(rng.expovariate(1 / max(mean - 1, 0.01)))) for _ in range(n_pat)]
    diff = n_rows - sum(counts)
    while diff != 0:
        i = rng.randrange(n_pat)
        if diff > 0 and counts[i] < 80:
            counts[i] += 1
            diff -= 1
        elif diff < 0 and counts[i] > 1:
            counts[i] -= 1
            diff += 1
    now_min = int(plan.now.timestamp() // 60)
    day = 1440
    span = 6 * 365 * day
    rnd = rng.random  # C speed; randint/randrange are pure Python and 10× slower

    def between(a: int, b: int) -> int:
        return a + int(rnd() * (b - a + 1))

    pending = []  # (created, patient, clinic, kind, seen, status, physio, pool, version, key)
    patient_rows = []
    n_signed, n_draft = len(plan.pool_signed), len(plan.pool_draft)
    for p in range(n_pat):
        pid, clinic = p + 1, clinic_of[p]
        physios = plan.physios[clinic]
        n_phys = len(physios)
        main_physio = physios[int(rnd() * n_phys)]
        n = counts[p]
        # the last visit: 0.3% of patients today, otherwise spread over 6 years (recent-heavy)
        last = now_min - (int(rnd() * day) if rnd() < 0.003 else int(span * rnd() ** 1.6))
        gaps = []
        episode_left = between(3, 8)
        for _ in range(n - 1):
            episode_left -= 1
            if episode_left <= 0:  # a new episode, months earlier
                gaps.append(between(90, 700) * day)
                episode_left = between(3, 8)
            else:
                gaps.append(between(7, 42) * day + between(-120, 120))
        total = sum(gaps)
        window = last - (now_min - 8 * 365 * day)  # nothing older than 8 years
        if total > window:
            gaps = [max(day, int(g * window / total)) for g in gaps]
        seen_times = [last]
        t = last
        for g in gaps:
            t -= g
            seen_times.append(t)
        seen_times.reverse()
        # 1% of signed past visits have an amendment; each uses one of the patient's n rows
        extra = min(sum(rnd() < 0.01 for _ in range(n - 1)), (n - 1) // 2)
        seen_times = seen_times[extra:]
        amended_ix = set(rng.sample(range(len(seen_times) - 1), extra)) if extra else ()
        kinds = _kinds_oldest_first(seen_times)
        patient_rows.append((pid, clinic, seen_times[0] - between(1, 3) * day, main_physio))
        for j, seen in enumerate(seen_times):
            minute_of_day = seen % day
            seen = seen - minute_of_day + max(480, min(1080, minute_of_day)) // 15 * 15
            seen = min(seen, now_min - 5)
            physio = main_physio if rnd() < 0.8 else physios[int(rnd() * n_phys)]
            amended = j in amended_ix
            draft = not amended and ((now_min - seen < day and rnd() < 0.5) or rnd() < 0.015)
            status = "DRAFT" if draft else "SIGNED"
            pool = int(rnd() * (n_draft if draft else n_signed))
            created = min(seen + int(rnd() * 21), now_min)
            key = (pid, j)
            pending.append((created, pid, clinic, kinds[j], seen, status, physio, pool, 1, key))
            if amended:
                a_status = "SIGNED" if rnd() < 0.95 else "DRAFT"
                a_pool = int(rnd() * (n_signed if a_status == "SIGNED" else n_draft))
                a_created = min(created + between(1, 10) * day, now_min)
                pending.append(
                    (a_created, pid, clinic, kinds[j], seen, a_status, physio, a_pool, 2, key)
                )
    pending.sort(key=lambda r: (r[0], r[1], r[8]))
    first_index: dict[tuple, int] = {}
    visits = []
    for i, r in enumerate(pending):
        if r[8] == 1:
            first_index[r[9]] = i
        root = first_index.get(r[9], -1) if r[8] == 2 else -1
        visits.append((r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], root))
    plan.visits = visits
    plan.patient_rows = patient_rows
    plan.assessments = len(visits)


def _kinds_oldest_first(seen_times: list[int]) -> list[str]:
    kinds = []
    for j, t in enumerate(seen_times):
        kinds.append("initial" if j == 0 or t - seen_times[j - 1] > 80 * 1440 else "review")
    return kinds


# --- rows -------------------------------------------------------------------------------------


def _patients(plan: Plan, rng: random.Random):
    """Patient rows as dicts of python values (datetimes as naive UTC)."""
    last_cum = list(itertools.accumulate(_zipf_weights(len(LAST), 0.75)))
    sex_cum = list(itertools.accumulate((52, 47, 1)))
    rnd = rng.random
    refs: dict[int, int] = {}
    epoch = datetime(1970, 1, 1)
    start_dob, dob_days = date(1945, 1, 1).toordinal(), (date(2009, 12, 31) - date(1945, 1, 1)).days
    archive_before = plan.now.replace(tzinfo=None) - timedelta(days=3 * 365)
    for pid, clinic, base_min, creator in plan.patient_rows:
        sex = rng.choices(("FEMALE", "MALE", "OTHER"), cum_weights=sex_cum)[0]
        names = FIRST_F if sex == "FEMALE" else FIRST_M if sex == "MALE" else FIRST_F + FIRST_M
        first = names[int(rnd() * len(names))]
        last = rng.choices(LAST, cum_weights=last_cum)[0]
        refs[clinic] = refs.get(clinic, 0) + 1
        reference = f"C{clinic:02d}-{refs[clinic]:06d}" if rng.random() > 0.1 else None
        created = epoch + timedelta(minutes=base_min)
        ascii_name = search_key(f"{first}.{last}").replace("'", "").replace(" ", "")
        email = f"{ascii_name}{pid}@example.org" if rng.random() < 0.6 else None
        phone = f"07700 9{pid % 100000:05d}" if rng.random() < 0.7 else None
        share = rng.random() < 0.7
        archived = (
            (created + timedelta(days=2900))
            if (rng.random() < 0.01 and created < archive_before)
            else None
        )
        yield {
            "id": pid,
            "clinic_id": clinic,
            "first_name": first,
            "last_name": last,
            "first_name_key": search_key(first),
            "last_name_key": search_key(last),
            "date_of_birth": date.fromordinal(start_dob + rng.randrange(dob_days)),
            "sex": sex,
            "email": email,
            "phone": phone,
            "reference": reference,
            "consent_treatment": True,
            "consent_treatment_at": created,
            "consent_treatment_by_id": creator,
            "consent_data_sharing": share,
            "consent_data_sharing_at": created if share else None,
            "consent_data_sharing_by_id": creator if share else None,
            "created_at": created,
            "created_by_id": creator,
            "updated_at": created,
            "archived_at": min(archived, plan.now.replace(tzinfo=None)) if archived else None,
        }


FINDING_COLUMNS = [
    f.column(section.name)
    for section, f in all_fields()
    if f.column(section.name) not in DATE_COLUMNS
]
MULTI_COLUMNS = {f.column(section.name) for section, f in all_fields() if f.kind == "multi"}
BOOL_COLUMNS = {f.column(section.name) for section, f in all_fields() if f.kind == "bool"}
TABLES = ("clinics", "users", "patients", "assessments", "psfs_items")
AMENDMENT_REASON = "Corrected the recorded weekly distance."

# The wide assessment rows are assembled by the database itself: Python loads a narrow table of
# visits (13 integers/short strings each) and a pool of ≈1,800 finding sets, then one
# INSERT … SELECT joins them (timestamps, hashes and dates computed in SQL). Far faster than
# binding 170 values per row from Python, with the same result.
VISIT_COLUMNS = (
    "id",
    "pool",
    "patient_id",
    "clinic_id",
    "kind",
    "status",
    "seen_m",
    "created_m",
    "updated_m",
    "physio",
    "version",
    "root_id",
    "lock_version",
)


def _visit_rows(plan: Plan):
    n_signed = len(plan.pool_signed)
    rnd = random.Random(plan.seed + 7).random
    for i, (created, pid, clinic, kind, seen, status, physio, pool, version, root) in enumerate(
        plan.visits
    ):
        signed = status == "SIGNED"
        yield (
            i + 1,
            pool if signed else n_signed + pool,
            pid,
            clinic,
            kind.upper(),
            status,
            seen,
            created,
            created + (30 if signed else 1 + int(rnd() * 40)),
            physio,
            version,
            root + 1 if root >= 0 else None,
            2 + i % 5,
        )


def _pool_rows(plan: Plan, pg: bool):
    """(pool id, onset_days, target_days, *findings) with values as the ORM stores them."""

    def encode(value, column):
        if column in MULTI_COLUMNS:
            return json.dumps(list(value or []))
        if value is None:
            return None
        if column in BOOL_COLUMNS:
            return bool(value) if pg else int(bool(value))
        if isinstance(value, Decimal):
            return value if pg else float(value)
        return value

    for i, r in enumerate(plan.pool_signed + plan.pool_draft):
        yield (i, r["_onset_days"], r["_target_days"], *(encode(r[c], c) for c in FINDING_COLUMNS))


def _pool_psfs_rows(plan: Plan):
    for i, r in enumerate(plan.pool_signed + plan.pool_draft):
        for position, (activity, score) in enumerate(r["_psfs"]):
            yield (i, position, activity, score)


def _assessment_select(pg: bool) -> tuple[str, str]:
    """(column list, SELECT) that turn visits + pool into assessment rows."""
    if pg:

        def ts(expr):
            return f"to_timestamp(({expr}) * 60)"

        def day(offset):
            return f"((to_timestamp(v.seen_m * 60) AT TIME ZONE 'UTC')::date {offset})"

        chash = "md5(v.id::text) || md5((v.id * 7)::text)"
    else:

        def ts(expr):
            return f"(datetime(({expr}) * 60, 'unixepoch') || '.000000')"

        def day(offset):
            return f"date(v.seen_m * 60, 'unixepoch', ({offset}) || ' days')"

        chash = (
            "printf('%016x%016x%016x%016x', v.id * 2654435761, v.id * 40503 + 17, "
            "v.id * 62710063, v.id * 104729 + 3)"
        )
    signed = "v.status = 'SIGNED'"
    onset = day("- p.onset_days") if pg else day("-p.onset_days")
    target = day("+ p.target_days") if pg else day("p.target_days")
    columns = [
        "id",
        "patient_id",
        "clinic_id",
        "kind",
        "seen_at",
        "status",
        "created_at",
        "created_by_id",
        "updated_at",
        "updated_by_id",
        "signed_at",
        "signed_by_id",
        "content_hash",
        "root_id",
        "amends_id",
        "version",
        "amendment_reason",
        "lock_version",
        *DATE_COLUMNS,
        *FINDING_COLUMNS,
    ]
    select = (
        f"SELECT v.id, v.patient_id, v.clinic_id, v.kind, {ts('v.seen_m')}, v.status, "
        f"{ts('v.created_m')}, v.physio, {ts('v.updated_m')}, v.physio, "
        f"CASE WHEN {signed} THEN {ts('CASE WHEN v.version = 1 THEN v.seen_m + 25 ELSE v.updated_m END')} END, "
        f"CASE WHEN {signed} THEN v.physio END, CASE WHEN {signed} THEN {chash} END, "
        f"v.root_id, v.root_id, v.version, "
        f"CASE WHEN v.version > 1 THEN '{AMENDMENT_REASON}' END, v.lock_version, "
        f"CASE WHEN p.onset_days IS NOT NULL THEN {onset} END, "
        f"CASE WHEN p.target_days IS NOT NULL THEN {target} END, "
        + ", ".join(f"p.{c}" for c in FINDING_COLUMNS)
        + " FROM bench_visits v JOIN bench_pool p ON p.pool = v.pool"
        # SQLite walks bench_visits in rowid (= id) order anyway; in PostgreSQL the hash join
        # keeps the order of the freshly copied visits, and a sort of 2 GB would cost minutes.
        + ("" if pg else " ORDER BY v.id")
    )
    return ", ".join(columns), select


def _password_hash() -> str:
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=3, memory_cost=65536).hash(BULK_PASSWORD)


def _naive(value):
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


def _report(progress, name: str, plan: Plan, timings: dict) -> None:
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in timings.items() if k != "total")
    progress(
        f"  {name}: {plan.patients} patients, {plan.assessments} assessments loaded in "
        f"{timings['total']:.1f} s ({steps})"
    )


# --- SQLite -----------------------------------------------------------------------------------


def load_sqlite(path: str, plan: Plan, psfs: bool = True, progress=print) -> dict:
    """Fill a migrated SQLite file. Secondary indexes are dropped during the load and rebuilt
    after (faster than maintaining them row by row), then ANALYZE, as `flask --app physio
    analyze` does after a bulk import (the README's deployment guide)."""
    timings = {}
    t0 = mark = time.perf_counter()

    def lap(name):
        nonlocal mark
        now = time.perf_counter()
        timings[name] = now - mark
        mark = now

    con = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode=OFF",
        "synchronous=OFF",
        "cache_size=-400000",
        "temp_store=MEMORY",
        "foreign_keys=OFF",
    ):
        con.execute(f"PRAGMA {pragma}")
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name "
        f"IN ({','.join('?' * len(TABLES))})",
        TABLES,
    ).fetchall()
    for name, _ in indexes:
        con.execute(f'DROP INDEX "{name}"')
    con.execute("BEGIN")
    pw = _password_hash()
    con.executemany(
        "INSERT INTO clinics (id, name, phone, odi_enabled, sbst_enabled, created_at)"
        " VALUES (?,?,?,?,?,?)",
        [(c, n, ph, int(o), int(s), _sqlite_ts(cr)) for c, n, ph, o, s, cr in plan.clinics],
    )
    con.executemany(
        "INSERT INTO users (id, clinic_id, name, email, password_hash, role, "
        "registration, active, created_at) VALUES (?,?,?,?,?,?,?,1,?)",
        [
            (u, c, n, e, pw, r, reg, _sqlite_ts(plan.clinics[0][5]))
            for u, c, n, e, r, reg in plan.users
        ],
    )
    rows = list(_patients(plan, random.Random(plan.seed + 1)))
    columns = list(rows[0])
    con.executemany(
        f"INSERT INTO patients ({','.join(columns)}) VALUES ({','.join('?' * len(columns))})",
        (tuple(_sqlite_value(v) for v in row.values()) for row in rows),
    )
    lap("patients")
    con.execute(
        f"CREATE TEMP TABLE bench_pool (pool INTEGER PRIMARY KEY, onset_days, "
        f"target_days, {', '.join(FINDING_COLUMNS)})"
    )
    con.executemany(
        f"INSERT INTO bench_pool VALUES ({','.join('?' * (len(FINDING_COLUMNS) + 3))})",
        _pool_rows(plan, pg=False),
    )
    con.execute("CREATE TEMP TABLE bench_pool_psfs (pool, position, activity, score)")
    con.executemany("INSERT INTO bench_pool_psfs VALUES (?,?,?,?)", _pool_psfs_rows(plan))
    con.execute(
        f"CREATE TEMP TABLE bench_visits ({VISIT_COLUMNS[0]} INTEGER PRIMARY KEY, "
        f"{', '.join(VISIT_COLUMNS[1:])})"
    )
    con.executemany(
        f"INSERT INTO bench_visits VALUES ({','.join('?' * len(VISIT_COLUMNS))})", _visit_rows(plan)
    )
    lap("visits")
    columns, select = _assessment_select(pg=False)
    con.execute(f"INSERT INTO assessments ({columns}) {select}")
    lap("assessments")
    if psfs:
        con.execute(
            "INSERT INTO psfs_items (assessment_id, position, activity, score) "
            "SELECT v.id, s.position, s.activity, s.score FROM bench_visits v "
            "JOIN bench_pool_psfs s ON s.pool = v.pool ORDER BY v.id, s.position"
        )
        lap("psfs")
    con.execute("COMMIT")
    for table in ("bench_visits", "bench_pool", "bench_pool_psfs"):
        con.execute(f"DROP TABLE temp.{table}")
    for _, create in indexes:
        con.execute(create)
    lap("indexes")
    con.execute("ANALYZE")
    lap("analyze")
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    timings["total"] = time.perf_counter() - t0
    _report(progress, "sqlite", plan, timings)
    return timings


def _sqlite_ts(value: datetime) -> str:
    return _naive(value).strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return _sqlite_ts(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- PostgreSQL -------------------------------------------------------------------------------


def load_postgres(dsn: str, plan: Plan, psfs: bool = True, progress=print) -> dict:
    """Fill a migrated PostgreSQL database (COPY, then INSERT … SELECT). FK triggers are skipped
    during the load (session_replication_role = replica; rows are consistent by construction),
    plain indexes are rebuilt after it, sequences moved past the ids, then ANALYZE (as autovacuum
    would have done on a live database)."""
    import psycopg

    timings = {}
    t0 = mark = time.perf_counter()

    def lap(name):
        nonlocal mark
        now = time.perf_counter()
        timings[name] = now - mark
        mark = now

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET work_mem = '256MB'")
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND "
            "tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            (list(TABLES),),
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        pw = _password_hash()
        types = {
            r[0]: r[1]
            for r in conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'assessments'"
            )
        }
        with conn.transaction(), conn.cursor() as cur:
            with cur.copy(
                "COPY clinics (id, name, phone, odi_enabled, sbst_enabled, created_at) FROM STDIN"
            ) as cp:
                for row in plan.clinics:
                    cp.write_row(row)
            with cur.copy(
                "COPY users (id, clinic_id, name, email, password_hash, role, "
                "registration, active, created_at) FROM STDIN"
            ) as cp:
                for u, c, n, e, r, reg in plan.users:
                    cp.write_row((u, c, n, e, pw, r, reg, True, plan.clinics[0][5]))
            rows = list(_patients(plan, random.Random(plan.seed + 1)))
            with cur.copy(f"COPY patients ({','.join(rows[0])}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(
                        tuple(
                            v.replace(tzinfo=UTC) if isinstance(v, datetime) else v
                            for v in row.values()
                        )
                    )
            lap("patients")
            pool_types = ", ".join(
                f"{c} {'jsonb' if c in MULTI_COLUMNS else types[c]}" for c in FINDING_COLUMNS
            )
            cur.execute(
                f"CREATE TEMP TABLE bench_pool (pool integer PRIMARY KEY, onset_days "
                f"integer, target_days integer, {pool_types})"
            )
            with cur.copy("COPY bench_pool FROM STDIN") as cp:
                for row in _pool_rows(plan, pg=True):
                    cp.write_row(row)
            cur.execute(
                "CREATE TEMP TABLE bench_pool_psfs (pool integer, position integer, "
                "activity text, score integer)"
            )
            with cur.copy("COPY bench_pool_psfs FROM STDIN") as cp:
                for row in _pool_psfs_rows(plan):
                    cp.write_row(row)
            cur.execute(
                "CREATE TEMP TABLE bench_visits (id integer PRIMARY KEY, pool integer, "
                "patient_id integer, clinic_id integer, kind text, status text, "
                "seen_m bigint, created_m bigint, updated_m bigint, physio integer, "
                "version integer, root_id integer, lock_version integer)"
            )
            with cur.copy("COPY bench_visits FROM STDIN") as cp:
                for row in _visit_rows(plan):
                    cp.write_row(row)
            cur.execute("ANALYZE bench_visits")
            lap("visits")
            columns, select = _assessment_select(pg=True)
            cur.execute(f"INSERT INTO assessments ({columns}) {select}")
            lap("assessments")
            if psfs:
                cur.execute(
                    "INSERT INTO psfs_items (assessment_id, position, activity, score) "
                    "SELECT v.id, s.position, s.activity, s.score FROM bench_visits v "
                    "JOIN bench_pool_psfs s ON s.pool = v.pool ORDER BY v.id, s.position"
                )
                lap("psfs")
            for table in ("bench_visits", "bench_pool", "bench_pool_psfs"):
                cur.execute(f"DROP TABLE {table}")
        for _, create in indexes:
            conn.execute(create)
        lap("indexes")
        for table in TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        conn.execute("SET session_replication_role = origin")
        for table in TABLES:
            conn.execute(f"ANALYZE {table}")
        lap("analyze")
    timings["total"] = time.perf_counter() - t0
    _report(progress, "postgresql", plan, timings)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--sqlite", help="path of a migrated SQLite file")
    target.add_argument("--postgres", help="libpq DSN of a migrated PostgreSQL database")
    parser.add_argument(
        "--size",
        type=float,
        default=1.0,
        help="fraction of the full size (1.0 = 100k patients, 1M assessments)",
    )
    parser.add_argument("--no-psfs", action="store_true", help="skip PSFS rows")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    t0 = time.perf_counter()
    plan = build_plan(args.size, args.seed)
    print(f"  plan: {len(plan.visits)} visits in {time.perf_counter() - t0:.1f} s")
    if args.sqlite:
        load_sqlite(args.sqlite, plan, psfs=not args.no_psfs)
    else:
        load_postgres(args.postgres, plan, psfs=not args.no_psfs)


if __name__ == "__main__":
    main()
