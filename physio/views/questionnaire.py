"""The patient's questionnaire behind their link, no login (GET/POST /q/<token>).

First the date of birth (field `date_of_birth`, YYYY-MM-DD; 5 wrong tries lock the link), then
one short page per question or group, each posting the contract's field names and kept as soon
as it is sent (the patient can stop and come back), then a check page that sends the answers.
A completed response is read-only and says thank you; expired, revoked, locked and unknown links
get a clear page. Which page is shown: `?page=<key>`; which page is posted: the field `page`.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from physio.clinical.patient_questionnaire import read_page
from physio.clock import local_date
from physio.extensions import db, limiter
from physio.scoping import set_clinic_scope
from physio.services import audit
from physio.services import patient_links as link_service
from physio.services import questionnaires as service
from physio.views.public import _stale_form, patient_headers

bp = Blueprint("patient_questionnaire", __name__)
bp.after_request(patient_headers)
bp.register_error_handler(CSRFError, _stale_form)

_VERIFIED = "questionnaires_verified"  # questionnaire ids whose date of birth was given here


def _verified(q) -> bool:
    return q.id in session.get(_VERIFIED, [])


def _remember_verified(q) -> None:
    # The session is signed by the server; only the last few questionnaires are kept.
    session[_VERIFIED] = [*[i for i in session.get(_VERIFIED, []) if i != q.id], q.id][-10:]


def _audit(action: str, q, **detail) -> None:
    audit.record(
        action,
        user_id=None,
        clinic_id=q.clinic_id,
        ip=request.remote_addr,
        obj=q,
        patient_id=q.patient_id,
        **detail,
    )


def _refused(token: str):
    try:
        q = service.resolve(token)
    except link_service.LinkExpired as refused:
        clinic = link_service.clinic_contact(refused.clinic_id)
        return None, (render_template("public/questionnaire/expired.html", clinic=clinic), 410)
    except link_service.LinkRevoked as refused:
        clinic = link_service.clinic_contact(refused.clinic_id)
        return None, (render_template("public/questionnaire/revoked.html", clinic=clinic), 410)
    except link_service.LinkUnknown:
        return None, (render_template("public/link_invalid.html"), 404)
    set_clinic_scope(q.clinic_id)
    return q, None


@bp.route("/q/<token>", methods=["GET", "POST"])
@limiter.limit("60 per minute")
def questionnaire(token: str):
    q, refused = _refused(token)
    if refused:
        return refused
    state = service.state_of(q)
    if state == "completed":
        if request.method == "POST":
            return render_template("public/questionnaire/already_sent.html", q=q), 409
        summary = service.answer_summary(q) if _verified(q) else None
        return render_template(
            "public/questionnaire/thanks.html",
            q=q,
            summary=summary,
            completed_on=local_date(q.completed_at),
        )
    if state == "locked":
        return render_template(
            "public/questionnaire/locked.html", clinic=link_service.clinic_contact(q.clinic_id)
        ), 403
    if not _verified(q):
        if request.method == "POST":
            return _check_date_of_birth(token, q)
        return _date_of_birth_page(token, q)
    if request.method == "POST":
        return _save(token, q)
    return _show(token, q, request.args.get("page") or service.next_page_key(q))


def _check_date_of_birth(token: str, q):
    given = request.form.get("date_of_birth")
    outcome = service.check_date_of_birth(q, given)
    if outcome == "ok":
        _remember_verified(q)
        first = service.mark_opened(q)
        _audit("questionnaire_open", q, first=first)
        db.session.commit()
        return redirect(url_for(".questionnaire", token=token))
    if outcome == "malformed":
        db.session.rollback()
        message = "Enter your date of birth as year-month-day (YYYY-MM-DD), for example 1980-01-31."
        return _date_of_birth_page(token, q, error=message, given=given), 422
    _audit("questionnaire_dob_wrong", q, failures=q.dob_failures, locked=outcome == "locked")
    db.session.commit()
    if outcome == "locked":
        return render_template(
            "public/questionnaire/locked.html", clinic=link_service.clinic_contact(q.clinic_id)
        ), 403
    left = service.tries_left(q)
    message = (
        "That date of birth does not match what your clinic has. "
        f"You can try {left} more time{'s' if left != 1 else ''}."
    )
    return _date_of_birth_page(token, q, error=message, given=given), 422


def _date_of_birth_page(token: str, q, **context) -> str:
    given = context.pop("given", None)
    return render_template(
        "public/questionnaire/date_of_birth.html",
        q=q,
        token=token,
        clinic_name=service.clinic_name(q),
        page_count=len(service.pages_for(q)),
        # Only a well-formed date is shown back (never arbitrary posted text).
        given=given if service.parse_date_of_birth(given) else None,
        **context,
    )


def _as_text(value) -> str | None:
    """A stored answer as the form shows it (radio and checkbox values are text)."""
    if value is True:
        return "y"
    if value is False:
        return "n"
    return None if value is None else str(value)


def _position(q, key: str) -> tuple[list, int]:
    pages = service.pages_for(q)
    keys = [p.key for p in pages]
    return pages, (keys.index(key) if key in keys else len(keys))


def _show(token: str, q, key: str, *, posted=None, errors=None, status: int = 200):
    pages, index = _position(q, key)
    if key == service.FINISH:
        return render_template(
            "public/questionnaire/check.html",
            q=q,
            token=token,
            summary=service.answer_summary(q),
            total=len(pages),
            back=pages[-1].key if pages else None,
            missing=service.next_page_key(q),
        ), status
    if index >= len(pages):
        abort(404)
    page = pages[index]
    values = {name: _as_text(value) for name, value in (q.answers or {}).items()}
    if posted is not None:
        values.update(posted)
    return render_template(
        "public/questionnaire/page.html",
        q=q,
        token=token,
        page=page,
        number=index + 1,
        total=len(pages),
        values=values,
        done=page.key in (q.pages_done or []),
        errors=errors or {},
        back=pages[index - 1].key if index > 0 else None,
        # Opened with "Change" from the check page: saving goes back there.
        then_check=_then_check(),
    ), status


def _then_check() -> bool:
    source = request.form if request.method == "POST" else request.args
    return source.get("then") == service.FINISH


def _save(token: str, q):
    key = request.form.get("page", "")
    if key == service.FINISH:
        try:
            service.complete(q)
        except service.NotFinished as unfinished:
            return redirect(url_for(".questionnaire", token=token, page=unfinished.page_key))
        _audit("questionnaire_complete", q)
        db.session.commit()
        return redirect(url_for(".questionnaire", token=token))
    page = service.page_by_key(q, key)
    if page is None:
        abort(400)
    answers, errors = read_page(page, request.form.getlist)
    if errors:
        # What was right is kept (the patient may stop here and come back); the page is not
        # done until the marked answers are given.
        kept = {name: value for name, value in answers.items() if name not in errors}
        if any(value is not None for value in kept.values()) and page.key not in (
            q.pages_done or []
        ):
            service.save_page(q, page, kept, done=False)
            _audit("questionnaire_answer", q, page=page.key, partial=True)
            db.session.commit()
        return _show(
            token, q, key, posted=_as_posted(page, request.form), errors=errors, status=422
        )
    service.save_page(q, page, answers)
    _audit("questionnaire_answer", q, page=page.key)
    db.session.commit()
    pages, index = _position(q, key)
    following = pages[index + 1].key if index + 1 < len(pages) else service.FINISH
    if _then_check():
        following = service.FINISH
    return redirect(url_for(".questionnaire", token=token, page=following))


def _as_posted(page, form) -> dict:
    """The raw values the patient sent on this page, to show them back with the messages."""
    out = {}
    for name in page.field_names():
        value = form.get(name)
        if value is not None:
            out[name] = value[:200]
    return out
