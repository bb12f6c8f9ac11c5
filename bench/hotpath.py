"""The hot path in-process: what one request of the consultation mix costs, next to a bare Flask
page, for one or more versions of the code side by side — the in/out ratio of each change.

Each version (a git revision, or the working tree) runs in its own process on its own copy of
the seeded demo database (`flask db upgrade` + `flask seed-demo`, PHYSIO_ENV=production, a real
login through the form, CSRF on), warmed up and with the heap frozen as the gunicorn workers do
(gunicorn.conf.py). The processes are driven in lock step: round after round, each version in
turn measures every request kind `--n` times, so a noisy neighbour hits all versions alike. A
figure is the median over rounds of the mean CPU time per request (this process's CPU time:
other tenants of the machine barely move it; on PostgreSQL the server's own time is not in
it); the bare page (bench/baseline_app.py, one small Jinja template) is measured in the same
process and round.

Request kinds: the autosave as the browser posts it (the form's FormData, multipart), the same
autosave urlencoded, the assessment form GET, the patient page (Jane Runner: 3 signed visits),
and the form's "Save draft" POST (302).

    .venv/bin/python bench/hotpath.py                       # the working tree only
    .venv/bin/python bench/hotpath.py --revs main,HEAD      # git revisions (and/or "worktree")
    .venv/bin/python bench/hotpath.py --revs A,B,C --db postgres --rounds 7 --n 20
    .venv/bin/python bench/hotpath.py --profile autosave    # pyinstrument-free: cProfile top 25

Revisions are checked out with `git archive` into /tmp/physio-bench-hotpath.*; they must share
the working tree's migrations head (the database is migrated once, by the working tree).
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from pathlib import Path  # noqa: E402

BENCH_DIR = Path(_HERE)
ROOT = BENCH_DIR.parent
KINDS = ("bare", "autosave", "autosave_urlencoded", "form_get", "patient_page", "save_post")


# --- the worker: one version of the code, driven over stdin/stdout ---------------------------


def worker(tree: str, db_url: str, n: int) -> None:
    """Measure rounds on request (one JSON line per round) for the code in `tree`."""
    sys.path.insert(0, tree)
    sys.path.insert(1, str(ROOT))  # bench.* from the working tree
    import gc

    os.environ.update(PHYSIO_ENV="production", DATABASE_URL=db_url)
    os.environ.setdefault("SECRET_KEY", "hotpath-bench-secret")
    import bench.baseline_app as baseline
    from bench.common import DEMO_PASSWORD, demo_form, with_marker
    from bench.openloop import Body, form_data
    from physio.app import create_app

    assert Path(create_app.__code__.co_filename).is_relative_to(tree), "wrong tree imported"
    app = create_app()
    base = baseline.app.test_client()
    client = app.test_client()
    ua = {"User-Agent": "physio-bench/1.0", "Referer": "https://localhost/"}  # CSRF over https
    csrf_re = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')

    def token(path):
        page = client.get(path, headers=ua, base_url="https://localhost").get_data(as_text=True)
        return csrf_re.search(page).group(1)

    def call(method, path, **kw):
        if isinstance(kw.get("data"), list):  # a browser's form submit: urlencoded, in order
            kw["data"] = urllib.parse.urlencode(kw["data"])
            kw["content_type"] = "application/x-www-form-urlencoded"
        r = client.open(
            path,
            method=method,
            headers={**ua, **kw.pop("headers", {})},
            base_url="https://localhost",
            **kw,
        )
        return r

    r = call(
        "POST",
        "/login",
        data={
            "csrf_token": token("/login"),
            "email": "sam@physio.example",
            "password": DEMO_PASSWORD,
        },
    )
    assert r.status_code == 302, r.status_code
    with app.app_context():
        from sqlalchemy import text

        from physio.extensions import db

        ids = dict(db.session.execute(text("SELECT reference, id FROM patients")).all())
        db.session.remove()
    jane = ids["RR-0001"]
    other = next(pid for ref, pid in sorted(ids.items()) if ref != "RR-0001")

    def new_draft() -> int:
        r = call(
            "POST",
            f"/patients/{other}/assessments/new",
            data={"csrf_token": token("/patients/"), "kind": "initial"},
        )
        return int(re.search(r"/assessments/(\d+)/edit", r.headers["Location"]).group(1))

    aid = new_draft()
    edit = f"/assessments/{aid}/edit"
    r = call(
        "POST",
        edit,
        data=[
            *with_marker(demo_form(0), "hotpath"),
            ("csrf_token", token(edit)),
            ("lock_version", "1"),
        ],
    )
    assert r.status_code == 302, r.status_code
    call("GET", edit)  # shows the flash
    entries = form_data(call("GET", edit).get_data(as_text=True))
    bodies = {enc: Body(entries, enc) for enc in ("multipart", "urlencoded")}
    state = {"lock": int(dict(entries)["lock_version"]), "k": 0}
    save_aid = new_draft()
    save_state = {"lock": 1}
    save_token = token(f"/assessments/{save_aid}/edit")
    form = demo_form(0)

    def autosave(enc):
        state["k"] += 1
        body = bodies[enc]
        r = call(
            "POST",
            f"/assessments/{aid}/autosave",
            data=body.build(f"hotpath n{state['k']}", state["lock"]),
            headers={"Content-Type": body.content_type, "X-Requested-With": "fetch"},
        )
        answer = r.get_json()
        assert r.status_code == 200 and answer["saved"], (r.status_code, r.data[:300])
        state["lock"] = answer["lock_version"]

    def save_post():
        state["k"] += 1
        r = call(
            "POST",
            f"/assessments/{save_aid}/edit",
            data=[
                *with_marker(form, f"hotpath save n{state['k']}"),
                ("csrf_token", save_token),
                ("lock_version", str(save_state["lock"])),
            ],
        )
        assert r.status_code == 302, (r.status_code, r.data[:300])
        save_state["lock"] += 1

    def get(path):
        def go():
            r = call("GET", path)
            assert r.status_code == 200, r.status_code

        return go

    actions = {
        "bare": lambda: base.get("/"),
        "autosave": lambda: autosave("multipart"),
        "autosave_urlencoded": lambda: autosave("urlencoded"),
        "form_get": get(edit),
        "patient_page": get(f"/patients/{jane}"),
        "save_post": save_post,
    }
    for fn in actions.values():  # warm-up, then freeze the heap as gunicorn.conf.py does
        for _ in range(3):
            fn()
    gc.collect()
    gc.freeze()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd.get("spin"):  # run one kind in a loop while py-spy samples this process
            fn = actions[cmd["spin"]]
            for _ in range(cmd["n"]):
                fn()
            print(json.dumps({"spun": cmd["n"]}), flush=True)
            continue
        result = {}
        for kind in KINDS:
            fn = actions[kind]
            t0 = time.process_time()  # CPU of this process: robust on a shared machine
            for _ in range(n):
                fn()
            result[kind] = (time.process_time() - t0) / n
        print(json.dumps(result), flush=True)


# --- the driver ------------------------------------------------------------------------------


def _tree_for(rev: str, tmp: Path) -> Path:
    if rev == "worktree":
        return ROOT
    sha = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    dest = tmp / f"rev-{sha}"
    dest.mkdir()
    archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def _profile(proc: subprocess.Popen, kind: str, tmp: Path, seconds: float = 20.0) -> str:
    """py-spy samples the worker while it runs `kind` in a loop; the share of samples in each
    function (inclusive), app and library frames alike, top 40."""
    from collections import Counter

    raw = tmp / f"profile-{proc.pid}.txt"
    spy = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--pid",
            str(proc.pid),
            "--format",
            "raw",
            "--rate",
            "250",
            "--duration",
            str(int(seconds)),
            "-o",
            str(raw),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    proc.stdin.write(json.dumps({"spin": kind, "n": 100000}) + "\n")
    proc.stdin.flush()
    spy.wait(seconds + 30)
    proc.send_signal(__import__("signal").SIGTERM)  # stop spinning: the worker is done for
    inclusive: Counter = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not any("(bench/hotpath.py" in f or "hotpath.py:" in f for f in frames):
            continue
        n = int(count)
        total += n
        for name in {
            f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].split("/")[-1] + ")"
            for f in frames
        }:
            inclusive[name] += n
    lines = [f"{total} samples of {kind}; inclusive share per function:"]
    lines += [f"  {n / total * 100:5.1f}%  {name}" for name, n in inclusive.most_common(60)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--revs", default="worktree", help="comma-separated git revisions and/or 'worktree'"
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=15, help="requests of each kind per round")
    parser.add_argument(
        "--profile", choices=KINDS, help="py-spy this kind for 20 s instead (top functions)"
    )
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--worker", nargs=2, metavar=("TREE", "DB_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], args.worker[1], args.n)
        return 0

    sys.path.insert(0, str(ROOT))
    from bench.common import (
        PYTHON,
        Processes,
        TempPostgres,
        copy_database,
        environment_note,
        exit_cleanly_on_signals,
        flask_cli,
        log,
        seeded_sqlite,
        sqlite_url,
    )

    exit_cleanly_on_signals()
    note = environment_note()
    revs = args.revs.split(",")
    tmp = Path(tempfile.mkdtemp(prefix="physio-bench-hotpath."))
    processes = Processes()
    pg = None
    procs: list[subprocess.Popen] = []
    try:
        template = seeded_sqlite(tmp / "seeded.sqlite")
        if args.db == "postgres":
            pg = TempPostgres(processes).start()
        workers = []
        for i, rev in enumerate(revs):
            tree = _tree_for(rev, tmp)
            if pg is not None:
                url = pg.createdb(f"hotpath{i}")
                flask_cli(["db", "upgrade"], url)
                copy_database(sqlite_url(template), url)
            else:
                path = tmp / f"db{i}.sqlite"
                shutil.copyfile(template, path)
                url = sqlite_url(path)
            proc = subprocess.Popen(
                [
                    PYTHON,
                    str(BENCH_DIR / "hotpath.py"),
                    "--n",
                    str(args.n),
                    "--worker",
                    str(tree),
                    url,
                ],
                cwd=tree,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            )
            procs.append(proc)
            workers.append((rev, proc))
        for rev, proc in workers:
            line = proc.stdout.readline()
            if not line or not json.loads(line).get("ready"):
                raise RuntimeError(f"worker for {rev} did not start")
        if args.profile:
            for rev, proc in workers:
                print(f"=== {rev}: {args.profile}\n" + _profile(proc, args.profile, tmp))
            return 0
        rounds: dict[str, list[dict]] = {rev: [] for rev in revs}
        for r in range(args.rounds):
            for rev, proc in workers:
                proc.stdin.write("{}\n")
                proc.stdin.flush()
                rounds[rev].append(json.loads(proc.stdout.readline()))
            log(f"  round {r + 1}/{args.rounds} done")
    finally:
        for proc in procs:
            if proc.stdin:
                proc.stdin.close()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        processes.stop_all()
        if pg is not None:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    figures = {}
    print(
        f"In-process CPU per request ({args.db}; median of {args.rounds} rounds × {args.n}; "
        f"{note}); ms, and × the bare page of the same round"
    )
    head = f"{'kind':<22}" + "".join(f"{rev:>26}" for rev in revs)
    print(head)
    for kind in KINDS:
        cells = []
        for rev in revs:
            ms = statistics.median(x[kind] for x in rounds[rev]) * 1000
            rel = statistics.median(x[kind] / x["bare"] for x in rounds[rev])
            spread = [x[kind] * 1000 for x in rounds[rev]]
            figures.setdefault(rev, {})[kind] = {
                "ms": ms,
                "x_bare": rel,
                "min": min(spread),
                "max": max(spread),
            }
            cells.append(f"{ms:7.2f} ({min(spread):.1f}–{max(spread):.1f}) {rel:5.1f}×")
        print(f"{kind:<22}" + "".join(f"{c:>26}" for c in cells))
    if len(revs) > 1:
        print("\nin/out (each version ÷ the one before it, per round, median):")
        for a, b in itertools.pairwise(revs):
            # CPU time is already free of the scheduling noise of a shared machine; dividing
            # by the bare page of the round would add that page's own spread.
            ratios = {
                kind: statistics.median(
                    y[kind] / x[kind] for x, y in zip(rounds[a], rounds[b], strict=True)
                )
                for kind in KINDS
                if kind != "bare"
            }
            figures.setdefault("ratios", {})[f"{a}→{b}"] = ratios
            print(f"  {a} → {b}: " + ", ".join(f"{k} {v:.2f}×" for k, v in ratios.items()))
    enc = statistics.median(x["autosave_urlencoded"] / x["autosave"] for x in rounds[revs[-1]])
    # the urlencoded body is what the browser sends from the revision that changed the script
    print(f"\nurlencoded ÷ multipart autosave ({revs[-1]}): {enc:.2f}×")
    figures["urlencoded_vs_multipart"] = enc
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
