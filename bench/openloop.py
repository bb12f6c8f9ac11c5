"""Open-loop load: a fixed arrival rate of a consultation's requests, stepped up, against gunicorn
on loopback — how physios load the service, not how a fixed set of connections does.

Closed-loop tools (wrk with 16 connections, bench/http.py) only send a new request when an answer
came back, so a slow server is offered less work and its latency hides in the queue. Here
requests arrive at a fixed mean rate whatever the server does (Poisson arrivals, like many
independent tablets; `--arrivals uniform` spaces them evenly as wrk2 does), and each latency is
measured from the moment the request was due, not from when it could be sent (no coordinated
omission).

The mix, per consultation (30 min on a tablet): the patient page twice, the assessment form
opened twice, and ≈36 autosaves (the form's script posts the whole form after 1.5 s of quiet
typing): 90 % autosave, 5 % form GET, 5 % patient page. The autosave is sent exactly as the
browser sends it: the form's fields as FormData (taken from the rendered form page, so empty
inputs are there too), multipart/form-data (`--encoding urlencoded` for URLSearchParams),
`X-Requested-With: fetch`, the lock_version of the previous answer. One draft never has two
autosaves in flight (the script waits for the answer); an arrival takes the next idle draft.

Steps (default 4 → 40 → 100 → 150 → 200 req/s, `--steps`) each run `--seconds` after the server
is idle again. Per step: offered and served rate, p50/p99 (all, and autosave alone), errors
(non-2xx, timeouts, resets), the generator's own CPU share and how late it sent (the generator
must not be the bottleneck). The bare page's capacity (bench/baseline_app.py, wrk, 16
connections) is measured before and after, in the same run.

Writes are then checked through the database: each draft's lock_version, its stored presenting
complaint (every autosave carries a unique marker) and its autosave audit entries must match the
autosaves acknowledged (`saved: true`): lost = acknowledged but not stored, duplicated = stored
more often than sent; the audit chain must verify.

    .venv/bin/python bench/openloop.py [--db sqlite|postgres|both] [--steps 4,40,100,150,200]
        [--seconds 15] [--drafts 120] [--encoding multipart|urlencoded] [--json FILE]
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from collections import Counter, deque  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.common import (  # noqa: E402
    BASELINE_GUNICORN_CONF,
    DEMO_PHYSIOS,
    LOCK_RE,
    USER_AGENT,
    Client,
    Processes,
    Row,
    TempPostgres,
    app_env,
    copy_database,
    demo_form,
    emit,
    environment_note,
    exit_cleanly_on_signals,
    flask_cli,
    free_port,
    location_id,
    log,
    percentile,
    run,
    seeded_sqlite,
    sqlite_url,
    start_gunicorn,
    with_marker,
)

MIX = (("autosave", 0.90), ("form", 0.05), ("patient", 0.05))
DEFAULT_STEPS = (4, 40, 100, 150, 200)
TARGET_RATE = 150  # req/s of the mix, on 2 cores (issue 16)
TARGET_P99_S = 0.100
MARKER_FIELD = "history-presenting_complaint"


# --- what the browser posts ---------------------------------------------------------------------


class _FormDataParser(HTMLParser):
    """The entries `new FormData(form)` builds for the form with id `form_id`: every named input
    with its value (checkboxes and radios only when checked; no submit buttons), textareas and
    selects, in document order — empty text inputs included, as a browser sends them."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.entries: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.entries.append((name, a.get("value", "on")))
                return
            self.entries.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.entries.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, sel in self._options if sel] or [v for v, _ in self._options[:1]]
            self.entries.extend((self._select, v) for v in chosen)
            self._select = None


def form_data(html: str, form_id: str = "assessment-form") -> list[tuple[str, str]]:
    parser = _FormDataParser(form_id)
    parser.feed(html)
    # The form's script deletes the password before posting (physio/static/js/assessment.js).
    return [(k, v) for k, v in parser.entries if k != "password"]


class Body:
    """An autosave body built fast from a fixed part and the three fields that change."""

    def __init__(self, entries: list[tuple[str, str]], encoding: str) -> None:
        self.encoding = encoding
        self.csrf = dict(entries).get("csrf_token", "")  # the session's token
        static = [(k, v) for k, v in entries if k not in (MARKER_FIELD, "lock_version")]
        if encoding == "multipart":
            # What Chromium sends for fetch(url, {body: FormData}).
            self.boundary = "----WebKitFormBoundary" + secrets.token_urlsafe(12)[:16]
            self.content_type = f"multipart/form-data; boundary={self.boundary}"
            self.static = b"".join(self._part(k, v) for k, v in static)
        else:
            self.content_type = "application/x-www-form-urlencoded;charset=UTF-8"
            self.static = urllib.parse.urlencode(static).encode()

    def _part(self, name: str, value: str) -> bytes:
        return (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()

    def build(self, marker: str, lock_version: int) -> bytes:
        if self.encoding == "multipart":
            return (
                self.static
                + self._part(MARKER_FIELD, marker)
                + self._part("lock_version", str(lock_version))
                + f"--{self.boundary}--\r\n".encode()
            )
        tail = urllib.parse.urlencode({MARKER_FIELD: marker, "lock_version": lock_version})
        return self.static + b"&" + tail.encode()


# --- sessions and drafts ---------------------------------------------------------------------


@dataclass
class Draft:
    id: int
    cookie: str
    lock: int = 1
    body: Body | None = None
    acked: int = 0  # autosaves answered saved: true
    recovered: int = 0  # answered with a proxy error, found stored afterwards
    uncertain: int = 0  # sent, no answer in time: may or may not be stored
    last_acked: str | None = None
    retired: bool = False  # after an uncertain save its lock_version is unknown


@dataclass
class Fixture:
    """What the load needs: drafts (each of a logged-in session), pages to GET, the run id."""

    run_id: str
    drafts: list[Draft]
    form_paths: list[tuple[str, str]]  # (path, cookie)
    patient_paths: list[tuple[str, str]]
    lock0: dict[int, int] = field(default_factory=dict)


def prepare(
    port: int,
    patients: list[int],
    n_drafts: int,
    n_sessions: int = 8,
    encoding: str = "multipart",
    host_port_for_login: int | None = None,
) -> Fixture:
    """Log `n_sessions` physios in (the real login form) and create `n_drafts` drafts through
    the app, spread over the sessions and patients. The autosave body is what the form page of
    a draft filled with Jane Runner's initial assessment posts (read from the rendered page)."""
    run_id = secrets.token_hex(3)
    clients = []
    for i in range(n_sessions):
        client = Client(host_port_for_login or port, timeout=60)
        client.login(DEMO_PHYSIOS[i % len(DEMO_PHYSIOS)])
        clients.append(client)
    # The body template: one draft saved with the full demo form, its page read back.
    first = clients[0]
    token = first.csrf(f"/patients/{patients[0]}")
    status, headers, _ = first.post(
        f"/patients/{patients[0]}/assessments/new", {"csrf_token": token, "kind": "initial"}
    )
    template_id = location_id(headers)
    edit = f"/assessments/{template_id}/edit"
    token = first.csrf(edit)
    status, _, body = first.post(
        edit, [*with_marker(demo_form(0), "template"), ("csrf_token", token), ("lock_version", "1")]
    )
    if status != 302:
        raise RuntimeError(f"saving the template draft failed: {status} {body[:300]!r}")
    first.get(edit)  # the flash
    status, _, page = first.get(edit)
    entries = form_data(page.decode())
    if len(entries) < 100:
        raise RuntimeError(f"the form page gave only {len(entries)} FormData entries")
    drafts: list[Draft] = []
    bodies: dict[int, Body] = {}
    for k in range(n_drafts):
        ci = k % n_sessions
        client = clients[ci]
        pid = patients[k % len(patients)]
        token = client.csrf("/patients/") if ci not in bodies else None
        if ci not in bodies:
            own = [(n, token if n == "csrf_token" else v) for n, v in entries]
            bodies[ci] = Body(own, encoding)
        status, headers, body = client.post(
            f"/patients/{pid}/assessments/new",
            {"csrf_token": bodies[ci].csrf, "kind": "initial"},
        )
        if status != 302:
            raise RuntimeError(f"creating a draft failed: {status} {body[:300]!r}")
        aid = location_id(headers)
        # The first save fills the empty draft (every field changes); the load then measures
        # autosaves as they come during a consultation: a few fields changed each time.
        own = [(n, bodies[ci].csrf if n == "csrf_token" else v) for n, v in entries]
        status, _, body = client.post(
            f"/assessments/{aid}/autosave",
            [(n, v) for n, v in with_marker(own, f"ol {run_id} d{aid} n0") if n != "lock_version"]
            + [("lock_version", "1")],
        )
        answer = json.loads(body) if status == 200 else {}
        if not answer.get("saved"):
            raise RuntimeError(f"first autosave of draft {aid} failed: {status} {body[:300]!r}")
        drafts.append(
            Draft(
                aid,
                client.cookie_header(),
                answer["lock_version"],
                bodies[ci],
                acked=1,  # the first save counts like any other
                last_acked=f"ol {run_id} d{aid} n0",
            )
        )
    form_paths = [(f"/assessments/{template_id}/edit", clients[0].cookie_header())] + [
        (f"/assessments/{d.id}/edit", d.cookie) for d in drafts[: min(8, len(drafts))]
    ]
    patient_paths = [
        (f"/patients/{pid}", clients[i % n_sessions].cookie_header())
        for i, pid in enumerate(patients)
    ]
    for c in clients:
        c.close()
    # lock_version of a new draft is 1; every stored save adds one
    return Fixture(run_id, drafts, form_paths, patient_paths, {d.id: 1 for d in drafts})


# --- the open-loop generator -------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    due: float
    sent: float
    done: float
    status: int  # 0: no answer (see error)
    error: str = ""

    @property
    def latency(self) -> float:
        return self.done - self.due


@dataclass
class Step:
    rate: float
    seconds: float
    results: list[Result]
    wall: float  # first due → last answer
    cpu: float  # generator process CPU seconds during the step
    lag: list[float]  # sent - due, for requests that did not wait for a draft

    def ok(self, r: Result) -> bool:
        return r.status == 200

    @property
    def errors(self) -> Counter:
        c: Counter = Counter()
        for r in self.results:
            if not self.ok(r):
                c[r.error or str(r.status)] += 1
        return c

    def served(self) -> float:
        return sum(self.ok(r) for r in self.results) / self.wall if self.wall else 0.0

    def p(self, q: float, kind: str | None = None) -> float:
        xs = [r.latency for r in self.results if kind is None or r.kind == kind]
        return percentile(xs, q)

    def summary(self) -> str:
        err = sum(self.errors.values())
        return (
            f"{self.rate:>5g} req/s offered, {self.served():6.1f} served, p50 "
            f"{self.p(50) * 1000:7.1f} ms, p99 {self.p(99) * 1000:7.1f} ms (autosave p99 "
            f"{self.p(99, 'autosave') * 1000:.1f}), errors {err}"
            + (f" {dict(self.errors)}" if err else "")
            + f"; generator {self.cpu / self.wall * 100:.0f}% CPU, sent late p99 "
            f"{percentile(self.lag, 99) * 1000:.1f} ms"
        )


async def _run_step(
    base_url: str,
    fx: Fixture,
    rate: float,
    seconds: float,
    arrivals: str,
    rng: random.Random,
    timeout: float,
    idle_drafts: deque,
    counter: list[int],
) -> Step:
    import aiohttp

    loop = asyncio.get_running_loop()
    n = max(1, round(rate * seconds))
    gaps = [rng.expovariate(rate) if arrivals == "poisson" else 1 / rate for _ in range(n)]
    kinds = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX], k=n)
    results: list[Result] = []
    lags: list[float] = []
    draft_free = asyncio.Condition()
    headers = {"User-Agent": USER_AGENT}
    conn = aiohttp.TCPConnector(limit=0, ttl_dns_cache=None)
    session = aiohttp.ClientSession(
        connector=conn,
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=timeout),
        auto_decompress=False,
    )

    async def one(kind: str, due: float) -> None:
        draft = None
        if kind == "autosave":
            try:  # the tab waits for its previous autosave's answer: bounded like a request
                async with asyncio.timeout(timeout - (loop.time() - due)), draft_free:
                    await draft_free.wait_for(lambda: bool(idle_drafts))
                    draft = idle_drafts.popleft()
            except TimeoutError:
                results.append(Result(kind, due, loop.time(), loop.time(), 0, "no idle draft"))
                return
            counter[0] += 1
            marker = f"ol {fx.run_id} d{draft.id} n{counter[0]}"
            method, url = "POST", f"{base_url}/assessments/{draft.id}/autosave"
            data = draft.body.build(marker, draft.lock)
            hdrs = {
                **headers,
                "Cookie": draft.cookie,
                "Content-Type": draft.body.content_type,
                "X-Requested-With": "fetch",
            }
        else:
            path, cookie = rng.choice(fx.form_paths if kind == "form" else fx.patient_paths)
            method, url, data = "GET", base_url + path, None
            hdrs = {**headers, "Cookie": cookie}
        sent = loop.time()
        if draft is None or sent - due < 0.001:
            lags.append(sent - due)
        status, error = 0, ""
        try:
            left = aiohttp.ClientTimeout(total=max(1.0, timeout - (sent - due)))
            async with session.request(method, url, data=data, headers=hdrs, timeout=left) as resp:
                payload = await resp.read()
                status = resp.status
                if draft is not None and status == 200:
                    answer = json.loads(payload)
                    if answer.get("saved"):
                        draft.acked += 1
                        draft.last_acked = marker
                        draft.lock = int(answer["lock_version"])
                    else:
                        status, error = 0, "not saved"
        except TimeoutError:
            error = "timeout"
        except aiohttp.ClientError as exc:
            error = type(exc).__name__
        done = loop.time()
        results.append(Result(kind, due, sent, done, status, error))
        if draft is not None:
            if status in (502, 503, 504) or (status == 0 and error not in ("timeout", "not saved")):
                # The host died with the request (proxy error, reset): nothing of it runs any
                # more, so the draft's stored lock_version says whether it was saved, as
                # reloading the page would. (A timeout may still be running: not resolvable.)
                stored = await _stored_lock(session, base_url, draft, headers)
                if stored == draft.lock + 1:
                    draft.recovered += 1  # stored although the answer was lost
                    draft.last_acked, draft.lock = marker, stored
                elif stored != draft.lock:
                    draft.uncertain += 1
                    draft.retired = True
            elif status == 0 and error != "not saved":
                draft.uncertain += 1
                draft.retired = True  # its lock_version is unknown now: not used again
            elif status != 200:
                draft.retired = True  # 409 or worse: this draft's tab would stop saving
            if not draft.retired:
                async with draft_free:
                    idle_drafts.append(draft)
                    draft_free.notify()

    tasks = []
    cpu0 = time.process_time()
    start = loop.time() + 0.05
    due = start
    try:
        for kind, gap in zip(kinds, gaps, strict=True):
            due += gap
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(one(kind, due)))
        await asyncio.gather(*tasks)
    finally:
        await session.close()
    end = max((r.done for r in results), default=loop.time())
    return Step(rate, seconds, results, end - start, time.process_time() - cpu0, lags)


async def _stored_lock(session, base_url: str, draft: Draft, headers: dict) -> int | None:
    """The draft's lock_version as its form page shows it now (None if that fails too)."""
    import aiohttp

    for _ in range(3):
        try:
            url = f"{base_url}/assessments/{draft.id}/edit"
            async with session.get(url, headers={**headers, "Cookie": draft.cookie}) as resp:
                page = await resp.text()
                if resp.status == 200:
                    match = LOCK_RE.search(page)
                    return int(match.group(1)) if match else None
        except (TimeoutError, aiohttp.ClientError):
            pass
        await asyncio.sleep(1.0)
    return None


async def _wait_idle(base_url: str, timeout: float = 90.0) -> None:
    """Until a cheap page answers quickly again (the backlog of a saturated step is drained)."""
    import aiohttp

    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as s:
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                async with s.get(base_url + "/login", headers={"User-Agent": USER_AGENT}) as r:
                    await r.read()
                if time.perf_counter() - t0 < 0.05:
                    return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)


class Load:
    """The open-loop load on one app (`base_url`) with its fixture; one `step` at a time."""

    def __init__(self, base_url: str, fx: Fixture, arrivals="poisson", timeout=15.0, seed=16):
        self.base_url, self.fx, self.arrivals, self.timeout = base_url, fx, arrivals, timeout
        self.rng = random.Random(seed)
        self.counter = [0]
        self.saturated_at: float | None = None

    def step(self, rate: float, seconds: float, during=None) -> Step:
        """One step after the server is idle again. `during()` (optional) is awaited alongside
        it, e.g. to kill an app host in the middle of it."""

        async def main() -> Step:
            await _wait_idle(self.base_url)
            idle = deque(d for d in self.fx.drafts if not d.retired)
            coro = _run_step(
                self.base_url,
                self.fx,
                rate,
                seconds,
                self.arrivals,
                self.rng,
                self.timeout,
                idle,
                self.counter,
            )
            if during is None:
                return await coro
            step, _ = await asyncio.gather(coro, during())
            return step

        step = asyncio.run(main())
        errors = sum(step.errors.values())
        if step.served() < 0.8 * rate or errors > 0.05 * len(step.results):
            self.saturated_at = rate
        return step


# --- the check through the database ----------------------------------------------------------


@dataclass
class WriteCheck:
    acked: int
    recovered: int
    uncertain: int
    stored: int
    lost: int
    duplicated: int
    stale_value: int  # drafts whose stored marker is not the last acknowledged one
    chain: str

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.stale_value) and "BROKEN" not in (
            self.chain
        )

    def summary(self) -> str:
        return (
            f"autosaves acknowledged {self.acked} (+{self.recovered} answered by a proxy "
            f"error but stored, +{self.uncertain} unanswered), stored "
            f"{self.stored}, lost {self.lost}, duplicated {self.duplicated}, stale "
            f"{self.stale_value}; {self.chain}"
        )


def check_writes(db_url: str, fx: Fixture, verify_chain: bool = True) -> WriteCheck:
    """Per draft: autosave audit entries and lock_version increments against acknowledgements,
    and the stored presenting complaint against the last acknowledged marker."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    ids = [d.id for d in fx.drafts]
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, lock_version, history_presenting_complaint FROM assessments "
                f"WHERE id IN ({','.join(map(str, ids))})"
            )
        ).all()
        audit = conn.execute(
            text(
                "SELECT object_id, detail FROM audit_events WHERE action = 'update' AND "
                f"object_type = 'assessment' AND object_id IN ({','.join(map(str, ids))})"
            )
        ).all()
    engine.dispose()
    stored_rows = {r[0]: (r[1], r[2]) for r in rows}
    audited: Counter = Counter()
    for object_id, detail in audit:
        detail = json.loads(detail) if isinstance(detail, str) else detail
        if (detail or {}).get("via") == "autosave":
            audited[object_id] += 1
    lost = duplicated = stale = stored_total = 0
    for d in fx.drafts:
        lock, value = stored_rows.get(d.id, (None, None))
        increments = (lock or 0) - fx.lock0[d.id]
        stored = audited[d.id]
        stored_total += stored
        if increments != stored:  # every save bumps the version once and is audited once
            duplicated += max(0, increments - stored)
            lost += max(0, stored - increments)
        saved = d.acked + d.recovered
        lost += max(0, saved - stored)
        duplicated += max(0, stored - saved - d.uncertain)
        if d.uncertain == 0 and d.last_acked is not None and value != d.last_acked:
            stale += 1
    chain = "audit chain not checked"
    if verify_chain:
        chain = audit_chain_verdict(db_url)
    return WriteCheck(
        sum(d.acked for d in fx.drafts),
        sum(d.recovered for d in fx.drafts),
        sum(d.uncertain for d in fx.drafts),
        stored_total,
        lost,
        duplicated,
        stale,
        chain,
    )


def audit_chain_verdict(db_url: str) -> str:
    from bench.common import PYTHON, ROOT, run

    out = run(
        [PYTHON, "-m", "flask", "--app", "physio", "audit", "verify"],
        env=app_env(db_url),
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    said = " ".join((out.stdout + out.stderr).split())[:160]
    return ("audit verify: " if out.returncode == 0 else "audit chain BROKEN: ") + said


# --- the bench run ---------------------------------------------------------------------------


def bare_capacity(port: int, seconds: float = 5.0):
    from bench.wrk import run_wrk

    return run_wrk("baseline", port, "/", connections=16, seconds=seconds)


@dataclass
class Variant:
    label: str
    tree: Path  # the code the app runs (the working tree, or a git revision's copy)
    encoding: str = "multipart"
    db_url: str = ""
    load: Load | None = None
    steps: list[Step] = field(default_factory=list)
    check: WriteCheck | None = None


def variant_tree(rev: str, workdir: Path) -> tuple[str, Path]:
    from bench.common import ROOT

    if rev == "worktree":
        return "worktree", ROOT
    sha = run(["git", "rev-parse", "--short", rev], cwd=ROOT).stdout.strip()
    dest = workdir / f"rev-{sha}"
    if not dest.exists():
        dest.mkdir()
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return f"{rev} ({sha})", dest


def run_db(db: str, args, processes: Processes, workdir: Path, base_port: int) -> tuple:
    """Every variant on its own copy of the seeded demo (SQLite file or PostgreSQL database),
    each served by its own gunicorn; the steps alternate between variants, so a noisy
    neighbour hits them alike."""
    template = workdir / "seeded.sqlite"  # seeded once per run, copied for every variant
    if not template.exists():
        seeded_sqlite(template)
    pg = TempPostgres(processes).start() if db == "postgres" else None
    variants = []
    for (
        spec
    ) in args.revs:  # "REV" or "REV:encoding" (the autosave body that version's script sends)
        rev, _, encoding = spec.partition(":")
        variants.append(Variant(*variant_tree(rev, workdir), encoding=encoding or args.encoding))
    apps = []
    try:
        for i, v in enumerate(variants):
            if pg is not None:
                v.db_url = pg.createdb(f"physio_openloop{i}")
                flask_cli(["db", "upgrade"], v.db_url)
                copy_database(sqlite_url(template), v.db_url)
            else:
                path = workdir / f"physio-{db}-{i}.sqlite"
                shutil.copyfile(template, path)
                v.db_url = sqlite_url(path)
            from sqlalchemy import create_engine, text

            engine = create_engine(v.db_url)
            with engine.connect() as conn:
                patients = list(conn.execute(text("SELECT id FROM patients ORDER BY id")).scalars())
            engine.dispose()
            port = free_port()
            apps.append(
                start_gunicorn(
                    processes,
                    f"gunicorn physio (openloop {db} {v.label})",
                    "physio:create_app()",
                    port,
                    app_env(v.db_url),
                    workdir / f"app-{db}-{i}.log",
                    config=v.tree / "gunicorn.conf.py",
                    chdir=v.tree,
                )
            )
            fx = prepare(port, patients, args.drafts, encoding=v.encoding)
            v.load = Load(f"http://127.0.0.1:{port}", fx, args.arrivals, args.timeout)
            log(f"  {db} {v.label}: {len(fx.drafts)} drafts ready")
        bases = [bare_capacity(base_port)]
        for rate in args.steps:
            for v in variants:
                if v.load.saturated_at is not None:
                    continue
                step = v.load.step(rate, args.seconds)
                v.steps.append(step)
                log(f"  {db} {v.label}: {step.summary()}")
        bases.append(bare_capacity(base_port))
        for app in apps:
            processes.stop(app)
        for v in variants:
            v.check = check_writes(v.db_url, v.load.fx)
            log(f"  {db} {v.label}: {v.check.summary()}")
    finally:
        if pg is not None:
            pg.stop()
    return variants, bases


def step_rows(db: str, v: Variant, bases: list, enc: str, planned: list[float]) -> list[Row]:
    base_rps = sum(b.rps for b in bases) / len(bases)
    rows = []
    steps, check = v.steps, v.check
    name = f"open loop {db}" + (f" [{v.label}]" if v.label != "worktree" else "")
    for s in steps:
        err = sum(s.errors.values())
        is_target = s.rate == TARGET_RATE
        met = None
        if is_target:
            met = s.p(99) < TARGET_P99_S and err == 0 and check.ok
        rows.append(
            Row(
                f"{name}: {s.rate:g} req/s of the mix ({enc} autosave)",
                f"served {s.served():.1f} req/s, p50 {s.p(50) * 1000:.0f} ms, p99 "
                f"{s.p(99) * 1000:.0f} ms (autosave p99 {s.p(99, 'autosave') * 1000:.0f} ms), "
                f"errors {err}" + (f" {dict(s.errors)}" if err else ""),
                f"bare page {base_rps:.0f} req/s (wrk, 16 conn.)",
                f"{s.served() / base_rps:.3f}× bare; generator "
                f"{s.cpu / s.wall * 100:.0f}% CPU, late p99 {percentile(s.lag, 99) * 1000:.1f} ms",
                f"p99 < {TARGET_P99_S * 1000:.0f} ms, 0 errors" if is_target else "info",
                met,
                part="openloop",
                details={
                    "rate": s.rate,
                    "served": s.served(),
                    "p50": s.p(50),
                    "p99": s.p(99),
                    "autosave_p99": s.p(99, "autosave"),
                    "errors": dict(s.errors),
                    "generator_cpu": s.cpu / s.wall,
                },
            )
        )
    for rate in planned[len(steps) :]:
        rows.append(
            Row(
                f"{name}: {rate:g} req/s of the mix ({enc} autosave)",
                f"not run: saturated at {v.load.saturated_at:g} req/s",
                met=False if rate == TARGET_RATE else None,
                part="openloop",
            )
        )
    rows.append(
        Row(
            f"{name}: writes",
            check.summary(),
            "—",
            "—",
            "0 lost, 0 duplicated",
            check.ok,
            part="openloop",
        )
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--steps",
        type=lambda s: [float(x) for x in s.split(",")],
        default=list(DEFAULT_STEPS),
        help="arrival rates in req/s, comma-separated",
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="per step")
    parser.add_argument("--drafts", type=int, default=120)
    parser.add_argument("--encoding", choices=("multipart", "urlencoded"), default="multipart")
    parser.add_argument("--arrivals", choices=("poisson", "uniform"), default="poisson")
    parser.add_argument("--timeout", type=float, default=15.0, help="per request, seconds")
    parser.add_argument(
        "--revs",
        type=lambda s: s.split(","),
        default=["worktree"],
        help="code versions side by side: git revisions and/or 'worktree' (default), each "
        "optionally REV:multipart or REV:urlencoded (the autosave body that version sends)",
    )
    parser.add_argument("--json", help="write the rows here (for run_all.py)")
    args = parser.parse_args(argv)
    exit_cleanly_on_signals()
    os.environ["PHYSIO_ENV"] = "production"
    note = environment_note()
    processes = Processes()
    workdir = Path(tempfile.mkdtemp(prefix="physio-bench-openloop."))
    rows: list[Row] = []
    try:
        base_port = free_port()
        start_gunicorn(
            processes,
            "gunicorn baseline",
            "bench.baseline_app:app",
            base_port,
            app_env("sqlite://"),
            workdir / "baseline.log",
            config=BASELINE_GUNICORN_CONF,
        )
        for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
            variants, bases = run_db(db, args, processes, workdir, base_port)
            log(
                f"  bare page: {', '.join(f'{b.rps:.0f}' for b in bases)} req/s "
                f"(p99 {', '.join(f'{b.p(99) * 1000:.0f}' for b in bases)} ms)"
            )
            for v in variants:
                rows += step_rows(db, v, bases, v.encoding, args.steps)
    finally:
        processes.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    emit(
        rows,
        args.json,
        f"Open loop ({args.arrivals} arrivals, mix {', '.join(f'{k} {w:.0%}' for k, w in MIX)}; "
        f"gunicorn 2 sync workers; {args.seconds:g} s per step; {note})",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
