"""Property-based: random and hostile input on every form a patient can post (date of birth, each
questionnaire page, the check page, the home log) never causes a server error and never writes
anywhere but that patient's own questionnaire or log."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from physio.clinical import patient_questionnaire as pq
from physio.clinical.schema import field_names
from physio.extensions import db, limiter
from physio.models import (
    Assessment,
    Clinic,
    Patient,
    PlanExport,
    PlanLogRun,
    PlanLogTick,
    Questionnaire,
    ReportedField,
)
from physio.services import assessments as assessment_service
from tests.helpers import (
    Factory,
    answers_for,
    login,
    make_app,
    new_link_path,
    send_questionnaire,
    signed_visit,
)

HOSTILE = [
    "",
    " ",
    "0",
    "10",
    "11",
    "-1",
    "5.5",
    "1e309",
    "NaN",
    "٣",
    "🏃",
    "y",
    "n",
    "na",
    "agree",
    "very_much",
    "<script>alert(1)</script>",
    "'; DROP TABLE questionnaires; --",
    "\x00",
    "A" * 5000,
    "1988-04-12",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "../../etc/passwd",
    "\r\n",
    "plank",
    "side_plank",
    "check",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
NAMES = st.one_of(
    st.sampled_from([*field_names(), "page", "date_of_birth", "day", "done", "pain_during"]),
    st.sampled_from(["pain_next_morning", "csrf_token", "instruments"]),
    st.text(max_size=15),
)
form_data = st.dictionaries(NAMES, st.one_of(values, st.lists(values, max_size=4)), max_size=10)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DOB = "1988-04-12"
ODI = "\n\n".join(
    "\n".join([f"Heading {s}", *(f"Statement {s}.{n}" for n in range(6))]) for s in range(1, 11)
)


@pytest.fixture(autouse=True, scope="module")
def _limiter_put_back():
    """The module's one app turns limits off on the shared limiter object: put it back after."""
    saved = dict(limiter.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


class World:
    """Two patients of one clinic, each with a questionnaire link and a plan link with a log."""

    def __init__(self):
        self.app = make_app(RATELIMIT_ENABLED=False)  # limits are tested on their own
        make = Factory(self.app)
        clinic = make.clinic(odi_enabled=True, sbst_enabled=True)
        with self.app.app_context():
            db.session.get(Clinic, clinic.id).odi_statements = pq.parse_odi_statements(ODI)[0]
            db.session.commit()
        physio = make.user(clinic)
        self.mine = make.patient(physio, first_name="Jane")
        other = make.patient(physio, first_name="Other")  # same date of birth as Jane
        staff = self.app.test_client()
        login(staff, physio)
        everything = ("nprs", "rmdq", "psfs", "sbst", "odi")
        self.q_path = send_questionnaire(staff, self.mine, everything)
        self.dob_path = send_questionnaire(staff, self.mine, ("nprs",))
        other_q = send_questionnaire(staff, other, everything)
        self.plan_path = self._shared_plan(staff, self.mine)
        other_plan = self._shared_plan(staff, other)
        self.patient = self.app.test_client()
        assert self.patient.post(self.q_path, data={"date_of_birth": DOB}).status_code == 302
        # the other patient has answers and a log of their own, which must never change
        other_client = self.app.test_client()
        other_client.post(other_q, data={"date_of_birth": DOB})
        other_client.post(other_q, data=answers_for("pain-now", ["pain-nprs_now"]))
        logged = other_client.post(other_plan + "/log", data=self._today_log(other_plan))
        assert logged.status_code == 302
        with self.app.app_context():
            self.my_questionnaire = (
                db.session.execute(
                    select(Questionnaire.id).where(Questionnaire.patient_id == self.mine.id)
                )
                .scalars()
                .first()
            )
            self.my_export = db.session.execute(
                select(PlanExport.id)
                .join(Assessment, Assessment.id == PlanExport.assessment_id)
                .where(Assessment.patient_id == self.mine.id)
            ).scalar_one()
        self.page_keys = [
            p.key for p in pq.build_pages(everything, [], pq.parse_odi_statements(ODI)[0])
        ]

    @staticmethod
    def _shared_plan(staff, patient) -> str:
        running = {"training-runs_per_week": "3"}
        running.update({f"training-weekly_km_w{n}": "20" for n in range(1, 5)})
        aid = signed_visit(staff, patient, **running)
        page = staff.post(f"/assessments/{aid}/share", follow_redirects=True)
        return new_link_path(page.get_data(as_text=True))

    def _today_log(self, path) -> dict:
        page = self.app.test_client().get(path).get_data(as_text=True)
        day = page.split('name="day" value="', 1)[1].split('"', 1)[0]
        code = page.split('name="done" value="', 1)[1].split('"', 1)[0]
        return {"day": day, "done": [code], "pain_during": "3"}

    def snapshot(self) -> dict:
        """Everything a patient's post could reach, keyed so that their own rows can be left out."""
        with self.app.app_context():
            questionnaires = {
                q.id: (q.answers, q.pages_done, q.dob_failures, q.locked_at, q.completed_at)
                for q in db.session.execute(select(Questionnaire)).scalars()
            }
            ticks = {
                (t.export_id, t.day, t.item_code)
                for t in db.session.execute(select(PlanLogTick)).scalars()
            }
            runs = {
                (r.export_id, r.day, r.pain_during, r.pain_next_morning)
                for r in db.session.execute(select(PlanLogRun)).scalars()
            }
            records = {
                a.id: (repr(assessment_service.record_of(a)), a.lock_version)
                for a in db.session.execute(select(Assessment)).scalars()
            }
            patients = {
                p.id: (p.first_name, p.last_name, p.date_of_birth, p.email)
                for p in db.session.execute(select(Patient)).scalars()
            }
            reported = db.session.execute(select(ReportedField.id)).scalars().all()
            db.session.remove()
        return {
            "questionnaires": questionnaires,
            "ticks": ticks,
            "runs": runs,
            "records": records,
            "patients": patients,
            "reported": reported,
        }

    def assert_only_mine_changed(
        self, before: dict, after: dict, *, questionnaire=None, export=None
    ):
        for key in ("records", "patients", "reported"):
            assert before[key] == after[key], key
        for qid, state in before["questionnaires"].items():
            if qid != questionnaire:
                assert after["questionnaires"][qid] == state, f"questionnaire {qid} changed"
        for rows in ("ticks", "runs"):
            outside = {r for r in after[rows] ^ before[rows] if r[0] != export}
            assert outside == set(), rows


_world: World | None = None


def world() -> World:
    global _world
    if _world is None:
        _world = World()
    return _world


def post(client, path, data):
    response = client.post(path, data=data)
    assert response.status_code < 500, (path, data, response.status_code)
    return response


@SETTINGS
@given(form_data, st.sampled_from(["page-key", "random"]))
def test_questionnaire_pages_take_any_input_without_error_or_foreign_writes(data, which):
    w = world()
    if which == "page-key":
        data = {**data, "page": w.page_keys[len(data) % len(w.page_keys)]}
    if data.get("page") == "check":
        data["page"] = "pain-now"  # sending is tested on its own
    before = w.snapshot()
    response = post(w.patient, w.q_path, data)
    assert response.status_code in (302, 400, 422)
    after = w.snapshot()
    w.assert_only_mine_changed(before, after, questionnaire=w.my_questionnaire)
    answers = after["questionnaires"][w.my_questionnaire][0]
    allowed = set(field_names())
    assert set(answers) <= allowed
    assert all(v is None or isinstance(v, bool | int | str) for v in answers.values())


@SETTINGS
@given(form_data)
def test_the_date_of_birth_form_takes_any_input(data):
    w = world()
    before = w.snapshot()
    response = post(w.app.test_client(), w.dob_path, data)
    assert response.status_code in (302, 403, 422)
    with w.app.app_context():
        mine = (
            db.session.execute(
                select(Questionnaire.id)
                .where(Questionnaire.patient_id == w.mine.id)
                .order_by(Questionnaire.id)
            )
            .scalars()
            .all()
        )
        db.session.remove()
    w.assert_only_mine_changed(before, w.snapshot(), questionnaire=mine[1])


@SETTINGS
@given(form_data)
def test_the_home_log_takes_any_input_and_writes_only_this_plans_log(data):
    w = world()
    before = w.snapshot()
    response = post(w.app.test_client(), w.plan_path + "/log", data)
    assert response.status_code in (302, 422)
    after = w.snapshot()
    w.assert_only_mine_changed(before, after, export=w.my_export)
    for _, _, during, morning in after["runs"]:
        assert during is None or 0 <= during <= 10
        assert morning is None or 0 <= morning <= 10


@SETTINGS
@given(st.text(max_size=30))
def test_any_page_address_is_answered_without_error(key):
    w = world()
    response = w.patient.get(w.q_path, query_string={"page": key})
    assert response.status_code in (200, 404)
