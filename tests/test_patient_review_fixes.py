"""Issue 14, the cold review as a patient on a phone: each finding pinned by a test that failed
before its fix (HTTP through the test client unless said otherwise)."""

from __future__ import annotations

import html
import logging
import re
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from physio.extensions import db
from physio.models import PlanExport, PlanLogRun, PlanLogTick
from physio.models.base import utcnow
from physio.services.plan_log import loggable_items
from tests.helpers import answer_every_page, answers_for, send_questionnaire, signed_visit
from tests.test_patient_plan_page import clinic_today, exported_plan, log, shared, text_of

TOKEN = "Zq3xKp9LmN2vB7cR4tY8uW1eA5sD6fG0hJ2kL3mN4o"


# --- 1. tokens in gunicorn's access log ---


def _gunicorn_access_lines(tmp_path, paths: list[str], access_format: str) -> str:
    """Log requests through gunicorn's own access logger (gunicorn.glogging.Logger.access, the
    code a worker calls after each response) into a file, and return the file's text."""
    from gunicorn.config import Config as GunicornConfig
    from gunicorn.glogging import Logger

    log_file = tmp_path / "access.log"
    cfg = GunicornConfig()
    cfg.set("accesslog", str(log_file))
    cfg.set("access_log_format", access_format)
    logger = Logger(cfg)
    try:
        for raw in paths:
            path, _, query = raw.partition("?")
            environ = {
                "REQUEST_METHOD": "GET",
                "RAW_URI": raw,
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "SERVER_PROTOCOL": "HTTP/1.1",
                "REMOTE_ADDR": "192.0.2.7",
                "HTTP_REFERER": f"https://clinic.example{raw}",
            }
            response = SimpleNamespace(status="200 OK", sent=512, headers=[])
            request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
            logger.access(response, request, environ, timedelta(milliseconds=12))
    finally:
        for handler in list(logger.access_log.handlers):
            if getattr(handler, "_gunicorn", False):
                logger.access_log.removeHandler(handler)
                handler.close()
    return log_file.read_text()


def test_gunicorn_access_log_shows_no_patient_token(app, tmp_path):
    paths = [f"/p/{TOKEN}", f"/p/{TOKEN}/plan.pdf", f"/q/{TOKEN}", f"/q/{TOKEN}?page=3"]
    default = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
    text = _gunicorn_access_lines(tmp_path, paths, default)
    assert len(text.splitlines()) == 4
    assert TOKEN not in text
    assert '"GET /p/[token] HTTP/1.1" 200' in text
    assert '"GET /q/[token]?page=3 HTTP/1.1" 200' in text


def test_gunicorn_access_log_custom_format_still_works_and_shows_no_token(app, tmp_path):
    """A deployment behind a proxy logs X-Forwarded-For, path and environ atoms: gunicorn answers
    "-" for a header the request lacks (its SafeAtoms mapping); the filter must keep that."""
    custom = '%({x-forwarded-for}i)s "%(U)s" %({raw_uri}e)s %({referer}i)s %(s)s'
    text = _gunicorn_access_lines(tmp_path, [f"/q/{TOKEN}?page=2"], custom)
    assert TOKEN not in text
    assert text.startswith('- "/q/[token]" /q/[token]?page=2'), text


def test_flask_error_log_shows_no_patient_token(app, caplog):
    """An unhandled error is logged by Flask as "Exception on <path> [GET]"."""
    with caplog.at_level(logging.ERROR):
        app.logger.error(f"Exception on /q/{TOKEN} [GET]")
    assert TOKEN not in caplog.text and "/q/[token]" in caplog.text


# --- 2. next-morning pain ---


def _backdate_export(app, days: int) -> None:
    with app.app_context():
        export = db.session.execute(select(PlanExport)).scalar_one()
        db.session.execute(
            PlanExport.__table__.update().values(
                created_at=export.created_at - timedelta(days=days)
            )
        )
        db.session.commit()


MORNING_PROMPT = "How is your back this morning after yesterday's run?"


def test_a_run_yesterday_without_next_morning_pain_is_asked_for_at_the_top(
    app, physio_client, make, physio
):
    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    _, path = shared(physio_client, patient)
    _backdate_export(app, 2)
    items = loggable_items(exported_plan(app))
    yesterday = clinic_today(app) - timedelta(days=1)
    anonymous = app.test_client()
    page = anonymous.get(path).get_data(as_text=True)
    assert MORNING_PROMPT not in text_of(page)  # no run logged: nothing to ask
    log(anonymous, path, yesterday, [items[0].code], pain_during=3)
    page = anonymous.get(path).get_data(as_text=True)
    text = text_of(page)
    assert MORNING_PROMPT in text
    # at the top: before the week at a glance and the folded days of the log
    assert text.index(MORNING_PROMPT) < text.index("Your log")
    prompt = page[page.index('id="morning-after"') :]
    prompt = prompt[: prompt.index("</form>")]
    assert 'name="pain_next_morning"' in prompt and f'value="{yesterday.isoformat()}"' in prompt
    # answering it keeps yesterday's ticks and pain during the run
    form = {
        "day": yesterday.isoformat(),
        "part": "morning",
        "pain_next_morning": "2",
    }
    saved = anonymous.post(path + "/log", data=form)
    assert saved.status_code == 302
    with app.app_context():
        run = db.session.execute(select(PlanLogRun)).scalar_one()
        assert (run.pain_during, run.pain_next_morning) == (3, 2)
        ticks = db.session.execute(select(PlanLogTick.item_code)).scalars().all()
        assert ticks == [items[0].code]
    assert MORNING_PROMPT not in text_of(anonymous.get(path).get_data(as_text=True))


def test_the_morning_only_answer_is_refused_for_today_and_without_a_run(
    app, physio_client, make, physio
):
    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    _, path = shared(physio_client, patient)
    _backdate_export(app, 2)
    today = clinic_today(app)
    anonymous = app.test_client()
    for day in (today, today - timedelta(days=1)):  # today: not yet; yesterday: no run logged
        response = anonymous.post(
            path + "/log",
            data={"day": day.isoformat(), "part": "morning", "pain_next_morning": "2"},
        )
        assert response.status_code == 422
    with app.app_context():
        assert db.session.execute(select(PlanLogRun)).first() is None


def test_folded_log_days_have_a_visible_disclosure_affordance(app, physio_client, make, physio):
    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    _, path = shared(physio_client, patient)
    _backdate_export(app, 2)
    page = app.test_client().get(path).get_data(as_text=True)
    summaries = re.findall(r"<summary>(.*?)</summary>", page, flags=re.S)
    assert len(summaries) == 3
    for summary in summaries[1:]:  # the folded ones (today is open)
        assert 'class="disclose"' in summary and "Show" in summary


def test_the_physio_is_not_told_the_pain_rules_held_when_next_morning_is_missing(
    app, physio_client, make, physio
):
    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    _, path = shared(physio_client, patient)
    _backdate_export(app, 2)
    items = loggable_items(exported_plan(app))
    today = clinic_today(app)
    anonymous = app.test_client()
    log(anonymous, path, today - timedelta(days=2), [items[0].code], pain_during=3)
    log(anonymous, path, today - timedelta(days=1), [items[0].code], pain_during=2)
    signed_visit(physio_client, patient)
    page = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    section = text_of(page[page.index('id="home-log"') :])
    assert "not worse the next morning" not in section
    assert "all within the pain rules" not in section
    assert "2 runs logged" in section
    assert "next-morning pain not recorded for 2" in section


# --- 3. patients never land on staff error pages ---

STAFF_MARKS = ("Back to patients", "Log out", 'class="site-header"', "Log in")


def _patient_facing(response) -> str:
    body = response.get_data(as_text=True)
    for mark in STAFF_MARKS:
        assert mark not in body, (response.status_code, mark)
    assert 'href="/static/css/patient.css' in body, response.status_code
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    return text_of(body)


def test_a_stale_form_on_a_patient_page_gets_the_patient_page(
    fresh_app, make, physio, physio_client
):
    app = fresh_app(WTF_CSRF_ENABLED=True)
    tab = app.test_client()
    for path in ("/q/" + TOKEN, "/p/" + TOKEN + "/log"):
        # a second tab, a reloaded browser: the form's CSRF token no longer matches
        response = tab.post(path, data={"date_of_birth": "1980-01-31", "csrf_token": "stale"})
        assert response.status_code == 400
        assert "Please try again" in _patient_facing(response)


def test_rate_limited_patient_pages_are_patient_pages(app, physio_client, make, physio):
    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    _, path = shared(physio_client, patient)
    anonymous = app.test_client()
    statuses = [anonymous.post(path + "/log", data={}).status_code for _ in range(21)]
    assert statuses[-1] == 429
    limited = anonymous.post(path + "/log", data={})
    text = _patient_facing(limited)
    assert "Too many" in text and "Wait a minute" in text


def test_too_large_and_not_found_under_patient_paths_are_patient_pages(
    app, physio_client, make, physio
):
    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    q_path = send_questionnaire(physio_client, patient)
    client = app.test_client()
    app.config["MAX_CONTENT_LENGTH"] = 1000
    big = client.post(q_path, data={"date_of_birth": "x" * 5000})
    assert big.status_code == 413
    assert "too long" in _patient_facing(big).lower()
    for path, status in (
        ("/p/" + TOKEN + "/nothing-here", 404),
        ("/q/" + TOKEN + "/extra", 404),
        ("/p/" + TOKEN, 404),
        ("/q/" + TOKEN, 404),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        _patient_facing(response)
    not_allowed = client.get("/p/" + TOKEN + "/log")
    assert not_allowed.status_code == 405
    _patient_facing(not_allowed)


def test_staff_pages_keep_the_staff_error_page(app, physio_client):
    response = physio_client.get("/patients/999999")
    assert response.status_code == 404
    assert "Back to patients" in response.get_data(as_text=True)


# --- 4. "Change" on the check page comes back to the check page ---

PATIENT_DOB = "1985-06-15"


def _questionnaire_at_check(
    client, physio_client, make, physio, instruments=("nprs", "rmdq", "psfs")
):
    from datetime import date

    patient = make.patient(
        physio, first_name="Jane", last_name="Runner", date_of_birth=date.fromisoformat(PATIENT_DOB)
    )
    path = send_questionnaire(physio_client, patient, instruments)
    answer_every_page(client, path, PATIENT_DOB, send=False)
    return patient, path


def _hidden_inputs(page: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def test_change_on_the_check_page_returns_to_the_check_page(app, physio_client, make, physio):
    client = app.test_client()
    _, path = _questionnaire_at_check(client, physio_client, make, physio)
    check = client.get(path + "?page=check").get_data(as_text=True)
    changes = re.findall(r'<a href="([^"]+)">Change <span', check)
    assert len(changes) >= 3
    url = html.unescape(changes[0])
    page = client.get(url).get_data(as_text=True)
    assert "Save and go back to the check" in page
    form = _hidden_inputs(page)
    fields = sorted(set(re.findall(r'name="((?:pain|outcomes)-[a-z0-9_\-]+)"', page)))
    form.update({k: v for k, v in answers_for(form["page"], fields).items() if k != "page"})
    saved = client.post(path, data=form)
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith("page=check"), saved.headers["Location"]
    # without coming from the check page, saving goes on to the next page as before
    form.pop("then", None)
    onward = client.post(path, data=form)
    assert not onward.headers["Location"].endswith("page=check")


# --- 5. a patient's answer that differs from what the physio typed ---


def _field_block(form: str, name: str) -> str:
    """The form's markup from the field's input to the next field."""
    start = form.index(f'name="{name}"')
    end = form.find('<div class="field', start)
    return form[start : end if end > 0 else start + 3000]


def test_a_differing_patient_answer_is_noted_on_the_draft_field(app, physio_client, make, physio):
    from datetime import date

    from tests.helpers import new_assessment

    patient = make.patient(
        physio, first_name="Jane", last_name="Runner", date_of_birth=date.fromisoformat(PATIENT_DOB)
    )
    aid = new_assessment(physio_client, patient)
    form = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', form).group(1)
    physio_client.post(
        f"/assessments/{aid}/edit",
        data={
            "seen_at": "2026-11-20T10:30",
            "lock_version": lock,
            "pain-nprs_now": "8",
            "pain-nprs_best_24h": "2",  # the same as the patient will give: no note needed
        },
    )
    path = send_questionnaire(physio_client, patient, ("nprs",))
    answer_every_page(app.test_client(), path, PATIENT_DOB)  # nprs_now 5, best 2, worst 7
    form = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    day = utcnow().strftime("%-d %b %Y")
    now_field = text_of(_field_block(form, "pain-nprs_now"))
    assert f"The patient reported 5 on {day}" in now_field, now_field
    assert re.search(r'name="pain-nprs_now"[^>]*value="8"', form)  # the physio's value stays
    best = text_of(_field_block(form, "pain-nprs_best_24h"))
    assert "patient reported" not in best.lower()  # same value: nothing to flag
    worst = text_of(_field_block(form, "pain-nprs_worst_24h"))
    assert f"Reported by the patient on {day}" in worst  # a blank the patient filled
    # the physio takes the patient's value: the note becomes a plain "reported by the patient"
    form_lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', form).group(1)
    physio_client.post(
        f"/assessments/{aid}/edit",
        data={
            "seen_at": "2026-11-20T10:30",
            "lock_version": form_lock,
            "pain-nprs_now": "5",
            "pain-nprs_best_24h": "2",
            "pain-nprs_worst_24h": "7",
        },
    )
    form = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    now_field = text_of(_field_block(form, "pain-nprs_now"))
    assert (
        f"Reported by the patient on {day}" in now_field and "patient reported 5" not in now_field
    )


# --- 6. adherence numbers that add up ---


def test_adherence_percentages_come_from_the_counts_shown(app, physio_client, make, physio):
    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    _, path = shared(physio_client, patient)
    _backdate_export(app, 2)  # three days: 7-a-week items 3 sessions, 2-a-week items 0.86
    items = loggable_items(exported_plan(app))
    assert any(i.days_per_week < 7 for i in items)
    today = clinic_today(app)
    anonymous = app.test_client()
    log(anonymous, path, today, [items[0].code])
    log(anonymous, path, today - timedelta(days=1), [items[0].code])
    signed_visit(physio_client, patient)
    page = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    section = page[page.index('id="home-log"') :]
    text = text_of(section)
    overall = re.search(r"(\d+) % of planned sessions done \((\d+) of (\d+) planned sessions", text)
    assert overall, text[:400]
    percent, done, planned = map(int, overall.groups())
    assert percent == round(100 * done / planned)
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>(\d+)</td><td>(\d+)</td><td>([^<]+)</td></tr>", section
    )
    assert len(rows) == len(items)
    for title, row_planned, row_done, row_percent in rows:
        row_planned, row_done = int(row_planned), int(row_done)
        if row_planned == 0:
            assert row_percent == "—", title
        else:  # 0 % when nothing was done, never a dash
            assert row_percent == f"{round(100 * min(row_done, row_planned) / row_planned)} %"
    assert sum(int(r[1]) for r in rows) == planned
    assert sum(min(int(r[2]), int(r[1])) for r in rows) == done


# --- 7. one note at the top of each questionnaire group ---


def test_whole_questionnaire_marks_sit_at_the_top_of_their_group(app, physio_client, make, physio):
    from physio.models import Clinic
    from tests.helpers import new_assessment

    with app.app_context():
        clinic = db.session.get(Clinic, physio.clinic_id)
        clinic.sbst_enabled = True
        db.session.commit()
    client = app.test_client()
    patient, path = _questionnaire_at_check(
        client, physio_client, make, physio, ("nprs", "rmdq", "psfs", "sbst")
    )
    assert client.post(path, data={"page": "check"}).status_code == 302
    aid = new_assessment(physio_client, patient)
    form = physio_client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
    for heading, first_item, words in (
        ("Roland-Morris Disability Questionnaire", 'name="outcomes-rmdq_1"', "Roland-Morris"),
        ("Patient-Specific Functional Scale", 'name="outcomes-psfs-0-activity"', "reported"),
        ("Keele STarT Back Screening Tool", 'name="outcomes-sbst_1"', "STarT Back"),
    ):
        start = form.index(f"<h3>{heading}</h3>")
        group = form[start:]
        first = group.index(first_item)
        notes = [m.start() for m in re.finditer(r'<p class="reported[^"]*"', group[:first])]
        assert len(notes) == 1, (heading, len(notes))
        assert words in group[notes[0] : group.index("</p>", notes[0])]
        # and none inside the group's items any more
        following = group[first : group.find("<h3>", first + 1)]
        assert 'class="reported"' not in following, heading


# --- 8. the smaller findings ---


def test_the_log_asks_what_was_done_yesterday_in_plain_words(app, physio_client, make, physio):
    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    _, path = shared(physio_client, patient)
    _backdate_export(app, 2)
    text = text_of(app.test_client().get(path).get_data(as_text=True))
    assert "What did you do yesterday?" in text and "on Yesterday" not in text
    assert "What did you do today?" in text


def test_the_date_of_birth_example_is_not_a_patients_date(app, physio_client, make, physio):
    from physio.demo import PATIENTS

    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    path = send_questionnaire(physio_client, patient)
    client = app.test_client()
    pages = [client.get(path), client.post(path, data={"date_of_birth": "12/04/1988"})]
    demo_dates = {row[2] for row in PATIENTS}
    for response in pages:
        body = response.get_data(as_text=True)
        assert "1980-01-31" in body
        for day in demo_dates:
            assert day.isoformat() not in body and f"{day.day} {day:%B %Y}" not in body


def test_long_unbroken_answers_wrap_on_the_check_page(app):
    from pathlib import Path

    css = (Path(app.static_folder) / "css" / "patient.css").read_text()
    rule = re.search(r"\.summary dt, \.summary dd[^{]*\{([^}]*)\}", css)
    assert rule and "overflow-wrap: anywhere" in rule.group(1)


def _verified_client(app, physio_client, make, physio, instruments):
    from datetime import date

    patient = make.patient(
        physio, first_name="Jane", last_name="Runner", date_of_birth=date.fromisoformat(PATIENT_DOB)
    )
    path = send_questionnaire(physio_client, patient, instruments)
    client = app.test_client()
    assert client.post(path, data={"date_of_birth": PATIENT_DOB}).status_code == 302
    return client, path


def _stored_answers(app) -> tuple[dict, list]:
    from physio.models import Questionnaire

    with app.app_context():
        q = db.session.execute(select(Questionnaire)).scalar_one()
        return dict(q.answers or {}), list(q.pages_done or [])


def test_valid_answers_on_a_page_with_one_error_are_kept(app, physio_client, make, physio):
    client, path = _verified_client(app, physio_client, make, physio, ("nprs",))
    response = client.post(
        path, data={"page": "pain-24h", "pain-nprs_best_24h": "", "pain-nprs_worst_24h": "7"}
    )
    assert response.status_code == 422
    answers, done = _stored_answers(app)
    assert answers.get("pain-nprs_worst_24h") == 7  # kept: the patient may stop here
    assert "pain-nprs_best_24h" not in answers or answers["pain-nprs_best_24h"] is None
    assert "pain-24h" not in done  # the page still needs its answer
    # coming back later, the kept answer is there and the page is the one to finish
    again = client.get(path + "?page=pain-24h").get_data(as_text=True)
    assert re.search(r'id="pain-nprs_worst_24h-7"[^>]*checked', again)


def test_a_first_psfs_can_be_finished_with_no_activities_to_name(app, physio_client, make, physio):
    client, path = _verified_client(app, physio_client, make, physio, ("psfs",))
    page = client.get(path + "?page=psfs").get_data(as_text=True)
    assert 'name="outcomes-psfs-none"' in page
    assert "no activities" in text_of(page).lower()
    empty = client.post(path, data={"page": "psfs"})
    assert empty.status_code == 422  # an empty page by mistake is still questioned
    none = client.post(path, data={"page": "psfs", "outcomes-psfs-none": "y"})
    assert none.status_code == 302 and none.headers["Location"].endswith("page=check")
    check = text_of(client.get(path + "?page=check").get_data(as_text=True))
    assert "No activities named" in check
    assert client.post(path, data={"page": "check"}).status_code == 302


def test_no_activities_and_a_named_one_at_once_is_asked_about(app, physio_client, make, physio):
    client, path = _verified_client(app, physio_client, make, physio, ("psfs",))
    both = client.post(
        path,
        data={
            "page": "psfs",
            "outcomes-psfs-none": "y",
            "outcomes-psfs-0-activity": "Running",
            "outcomes-psfs-0-score": "4",
        },
    )
    assert both.status_code == 422


def _set_clinic_phone(app, physio, phone):
    from physio.models import Clinic

    with app.app_context():
        clinic = db.session.get(Clinic, physio.clinic_id)
        clinic.phone = phone
        db.session.commit()
        return clinic.name


def _expire_all(app, model):
    with app.app_context():
        db.session.execute(model.__table__.update().values(expires_at=utcnow() - timedelta(days=1)))
        db.session.commit()


def test_locked_and_expired_pages_name_the_clinic_and_its_phone(app, physio_client, make, physio):
    from physio.models import PatientLink, Questionnaire

    name = _set_clinic_phone(app, physio, "020 7946 0321")
    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    # locked: five wrong dates of birth
    locked_path = send_questionnaire(physio_client, patient)
    client = app.test_client()
    for _ in range(5):
        client.post(locked_path, data={"date_of_birth": "1900-01-01"})
    pages = {"locked": client.get(locked_path)}
    _, plan_path = shared(physio_client, patient)
    _expire_all(app, Questionnaire)
    expired_path = send_questionnaire(physio_client, patient)
    _expire_all(app, Questionnaire)
    _expire_all(app, PatientLink)
    pages["questionnaire expired"] = client.get(expired_path)
    pages["plan expired"] = client.get(plan_path)
    for what, response in pages.items():
        assert response.status_code in (403, 410), what
        body = response.get_data(as_text=True)
        assert name in text_of(body), what
        assert '<a href="tel:02079460321">020 7946 0321</a>' in body, what
    # no phone known: the clinic is still named, and no empty phone line
    _set_clinic_phone(app, physio, None)
    body = client.get(plan_path).get_data(as_text=True)
    assert name in text_of(body) and "tel:" not in body


def test_revoking_a_link_asks_for_confirmation_first(app, physio_client, make, physio):
    from physio.models import PatientLink, Questionnaire

    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    send_questionnaire(physio_client, patient)
    shared(physio_client, patient)
    page = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    links = page[page.index('id="patient-links"') :]
    # the list offers no one-click revoke: each "Revoke" opens a confirm page
    assert not re.search(r'<form[^>]*action="[^"]*/revoke"', links)
    confirm_urls = [
        html.unescape(u) for u in re.findall(r'<a [^>]*href="([^"]*/revoke[^"]*)"', links)
    ]
    assert len(confirm_urls) == 2
    forms = []
    for url in confirm_urls:
        confirm = physio_client.get(url)
        assert confirm.status_code == 200
        body = confirm.get_data(as_text=True)
        assert "no longer" in text_of(body)
        body = body[body.index("<main") :]  # past the header's log-out form
        form = re.search(r'<form method="post" action="([^"]+)"', body)
        assert form and html.unescape(form.group(1)) == url.split("?")[0]
        forms.append((url.split("?")[0], _hidden_inputs(body)))
    with app.app_context():  # opening the confirm pages changed nothing
        assert db.session.execute(select(PatientLink.revoked_at)).scalar_one() is None
        assert db.session.execute(select(Questionnaire.revoked_at)).scalar_one() is None
    for action, hidden in forms:
        done = physio_client.post(action, data=hidden)
        assert done.status_code == 302 and f"/patients/{patient.id}" in done.headers["Location"]
    with app.app_context():
        assert db.session.execute(select(PatientLink.revoked_at)).scalar_one() is not None
        assert db.session.execute(select(Questionnaire.revoked_at)).scalar_one() is not None


def _text_boxes(svg: str) -> list[tuple[str, float, float, float, float]]:
    """(text, left, right, top, bottom) of each <text>, measured with the chart's own font
    (DejaVu Sans, as font-family says) through Pillow."""
    import pytest

    font_module = pytest.importorskip("PIL.ImageFont")
    boxes = []
    for attrs, text in re.findall(r"<text ([^>]*)>([^<]*)</text>", svg):
        get = dict(re.findall(r'([a-z-]+)="([^"]*)"', attrs))
        size = float(get["font-size"])
        bold = get.get("font-weight") in ("700", "bold")
        path = "/usr/share/fonts/truetype/dejavu/DejaVuSans{}.ttf".format("-Bold" if bold else "")
        try:
            font = font_module.truetype(path, size=int(size * 10))
        except OSError:
            pytest.skip("DejaVu Sans is not installed")
        width = font.getlength(html.unescape(text)) / 10
        x, y = float(get["x"]), float(get["y"])
        anchor = get.get("text-anchor", "start")
        left = x - {"start": 0, "middle": width / 2, "end": width}[anchor]
        boxes.append((text, left, left + width, y - size * 0.8, y + size * 0.2))
    return boxes


def test_home_log_chart_labels_do_not_overlap():
    from datetime import date

    from physio.charts import pain_log_chart_svg

    runs = [(date(2026, 12, 1), 3, 6), (date(2026, 12, 2), 10, 10)]
    boxes = _text_boxes(pain_log_chart_svg(runs))
    assert any(t == "Pain the morning after (0–10)" for t, *_ in boxes)
    for i, (a, al, ar, at, ab) in enumerate(boxes):
        for b, bl, br, bt, bb in boxes[i + 1 :]:
            overlap = al < br and bl < ar and at < bb and bt < ab
            assert not overlap, (a, b)
