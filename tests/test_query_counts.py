"""SQL queries per page are pinned, and do not grow with the data (no N+1)."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from physio.extensions import db
from physio.models import Assessment
from tests.helpers import ON_POSTGRES, PASSWORD, minimal_signable, new_assessment


@contextmanager
def counting(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def add_visits(client, patient, n: int) -> list[int]:
    ids = []
    for i in range(n):
        kind = "initial" if i == 0 else "review"
        response = client.post(f"/patients/{patient.id}/assessments/new", data={"kind": kind})
        aid = int(re.search(r"/assessments/(\d+)/edit", response.headers["Location"]).group(1))
        data = {
            **minimal_signable(lock_version=1),
            "seen_at": f"2026-0{i + 1}-10T10:00",
            "outcomes-psfs-0-activity": "Run 5 km",
            "outcomes-psfs-0-score": str(i + 2),
        }
        # a review is pre-filled: post on top of whatever lock version it has
        page = client.get(f"/assessments/{aid}/edit").get_data(as_text=True)
        data["lock_version"] = re.search(
            r'name="lock_version" type="hidden" value="(\d+)"', page
        ).group(1)
        assert client.post(f"/assessments/{aid}/edit", data=data).status_code == 302
        assert (
            client.post(f"/assessments/{aid}/sign", data={"password": PASSWORD}).status_code == 302
        )
        ids.append(aid)
    return ids


# page -> most queries allowed (includes the user/session load and the audit entry; on
# PostgreSQL the audit entry also takes its advisory lock: one more statement)
_LOCK = 1 if ON_POSTGRES else 0
CEILINGS = {
    # + the audit entry of the read (issue 11: every read of patient data is audited)
    "patient_list": 5 + _LOCK,
    # + the patient's questionnaires and plan links (issue 14; the home log's queries only run
    # once a plan link exists)
    "patient_page": 9 + _LOCK,
    # + the values the patient reported (provenance), one query for the notes and the summary
    "assessment_view": 10 + _LOCK,
    # + the audit entry of the read (issue 11); + the patient's earlier signed visits and their
    # PSFS rows (issue 10: a cadence target is worked out from the first measured step rate)
    "plan_page": 11 + _LOCK,
}


def queries_for(app, client, url: str) -> int:
    with counting(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("page_name", sorted(CEILINGS))
def test_queries_per_page_are_pinned_and_flat(app, physio_client, make, physio, page_name):
    small, large = make.patient(physio), make.patient(physio)
    for i in range(30):
        make.patient(physio, last_name=f"Filler{i:02d}")
    small_ids = add_visits(physio_client, small, 2)
    large_ids = add_visits(physio_client, large, 6)
    urls = {
        "patient_list": ("/patients/", "/patients/?page=2"),
        "patient_page": (f"/patients/{small.id}", f"/patients/{large.id}"),
        "assessment_view": (f"/assessments/{small_ids[-1]}", f"/assessments/{large_ids[-1]}"),
        "plan_page": (f"/assessments/{small_ids[-1]}/plan", f"/assessments/{large_ids[-1]}/plan"),
    }[page_name]
    few, many = (queries_for(app, physio_client, url) for url in urls)
    assert many == few, f"{page_name}: {few} queries with little data, {many} with more (N+1?)"
    assert many <= CEILINGS[page_name], f"{page_name}: {many} queries"


def test_autosave_reads_the_draft_once_and_not_again_after_the_commit(
    app, physio_client, make, physio
):
    """Issue 16: the answer (lock_version, live panel) is built before the commit; reading the
    expired row afterwards reloaded all its columns and PSFS rows (9 statements, now 7)."""
    aid = new_assessment(physio_client, make.patient(physio))
    data = minimal_signable(lock_version=1)
    first = physio_client.post(f"/assessments/{aid}/autosave", data=data).get_json()
    assert first["saved"]
    data.update(
        {"lock_version": str(first["lock_version"]), "history-presenting_complaint": "Hills"}
    )
    with counting(app) as statements:
        answer = physio_client.post(f"/assessments/{aid}/autosave", data=data).get_json()
    assert answer["saved"] and answer["lock_version"] == first["lock_version"] + 1
    assert "<" in answer["panel"]  # the live panel's HTML came with the answer
    reads_of_the_draft = [s for s in statements if s.startswith("SELECT assessments.")]
    assert len(reads_of_the_draft) == 1, statements
    # user, draft, its PSFS rows, patient (age and sex for the panel); UPDATE of the draft;
    # the audit entry's INSERT (with the chain tail) and its hash UPDATE
    assert len(statements) <= 7 + _LOCK, statements
    with app.app_context():
        stored = db.session.get(Assessment, aid)
        assert stored.history_presenting_complaint == "Hills"
        assert stored.lock_version == answer["lock_version"]
