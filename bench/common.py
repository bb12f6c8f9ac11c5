"""Shared plumbing for the bench scripts: processes started and stopped by saved PID, a
throw-away PostgreSQL (as scripts/run-tests.sh starts it), a seeded demo database, a tiny
cookie-carrying HTTP client, memory readings and the result table.

Nothing here touches the app's code or the repository outside bench/; every process it starts is
recorded (PID) and stopped by that PID, and every server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
USER_AGENT = "physio-bench/1.0"
DEMO_PASSWORD = "run-easy-2026"
DEMO_PHYSIOS = ("sam@physio.example", "jo@physio.example")


# --- processes --------------------------------------------------------------------------------


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SignalExit(SystemExit):
    pass


def exit_cleanly_on_signals() -> None:
    """SIGTERM/SIGHUP/SIGINT raise SystemExit, so `finally:` blocks stop what we started."""

    def handler(signum, frame):
        raise SignalExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, handler)


def become_subreaper() -> None:
    """Orphans of our children (the postmaster that `pg_ctl start` leaves behind) are re-parented
    to us instead of PID 1 (which does not reap here), so we can reap them after stopping."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def reap(pid: int, timeout: float = 10.0) -> None:
    """Wait for a process we are the parent (or subreaper) of; no-op otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        time.sleep(0.05)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not alive
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def record_pid(pid: int, needle: str, label: str) -> None:
    """Append `pid` to $BENCH_PIDFILE (set by run_all.py) with a piece of its command line, so
    that run_all.py can stop it by PID if this script is killed — and only if that PID still runs
    that command (a PID can be reused)."""
    pidfile = os.environ.get("BENCH_PIDFILE")
    if pidfile:
        with open(pidfile, "a") as fh:
            fh.write(f"{pid}\t{needle}\t{label}\n")


def cmdline_has(pid: int, needle: str) -> bool:
    try:
        cmdline = (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return False
    return needle in cmdline


class Processes:
    """Every process this script starts, by PID; stopped in reverse order by `stop_all`.

    PIDs are also appended to $BENCH_PIDFILE (set by run_all.py) so that, should this script be
    killed, its parent can still stop them by PID."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen, signal.Signals]] = []
        self.pidfile = os.environ.get("BENCH_PIDFILE")
        atexit.register(self.stop_all)

    def _note(self, label: str, pid: int, needle: str | None = None) -> None:
        record_pid(pid, needle or label, label)

    def start(
        self,
        label: str,
        cmd: list[str],
        *,
        env=None,
        cwd=None,
        stdout=None,
        stop_signal: signal.Signals = signal.SIGTERM,
    ) -> subprocess.Popen:
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=cwd,
            stdout=stdout or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.procs.append((label, proc, stop_signal))
        self._note(label, proc.pid, needle=cmd[-1])
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = 15.0) -> None:
        for i, (_label, p, sig) in enumerate(self.procs):
            if p is proc:
                del self.procs[i]
                _stop(p, sig, timeout)
                return

    def stop_all(self) -> None:
        while self.procs:
            _label, p, sig = self.procs.pop()
            _stop(p, sig, 15.0)


def _stop(p: subprocess.Popen, sig: signal.Signals, timeout: float) -> None:
    if p.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        p.send_signal(sig)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            p.kill()
        p.wait(5)


_RUNNING: set[subprocess.Popen] = set()


@atexit.register
def _stop_running() -> None:
    for proc in list(_RUNNING):
        _stop(proc, signal.SIGTERM, 10)


def run(
    cmd: list[str],
    *,
    env=None,
    cwd=None,
    timeout: float = 120,
    check: bool = True,
    quiet: bool = True,
) -> subprocess.CompletedProcess:
    """Run a command to completion (bounded in time; stopped by its PID on timeout or exit);
    its output is returned, and shown on failure."""
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    _RUNNING.add(proc)
    record_pid(proc.pid, str(cmd[-1]), Path(str(cmd[0])).name)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        _stop(proc, signal.SIGTERM, 10)
        raise
    finally:
        _RUNNING.discard(proc)
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    if not quiet:
        log(result.stdout.strip())
    return result


# --- the app's environment, migrations, demo data -----------------------------------------------

BENCH_SECRET_KEY = "bench-" + secrets.token_urlsafe(24)
# Constant: seeded databases are cached between runs, and their audit entries are keyed with it.
BENCH_AUDIT_KEY = "physio-bench-audit-key"
# The audit log's anchor file, one per database of this run (a database made afresh must not be
# compared with the anchor an earlier run's database left).
BENCH_ANCHORS = Path(tempfile.mkdtemp(prefix="physio-bench-anchors-"))


def anchor_file(database_url: str) -> str:
    return str(BENCH_ANCHORS / f"{hashlib.sha256(database_url.encode()).hexdigest()[:16]}.json")


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PHYSIO_ENV="production",
        SECRET_KEY=BENCH_SECRET_KEY,
        AUDIT_KEY=BENCH_AUDIT_KEY,
        AUDIT_ANCHOR_FILE=anchor_file(database_url),
        DATABASE_URL=database_url,
        RATELIMIT_STORAGE_URI="memory://",
        # A few sessions send the whole mix: the per-user autosave limit (120/min) is for people.
        AUTOSAVE_RATE_LIMIT="100000 per minute",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("TEST_DATABASE_URL", None)
    env.update(extra)
    return env


def flask_cli(args: list[str], database_url: str, timeout: float = 300) -> str:
    result = run(
        [PYTHON, "-m", "flask", "--app", "physio", *args],
        env=app_env(database_url),
        cwd=ROOT,
        timeout=timeout,
    )
    return result.stdout


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def seeded_sqlite(dest: Path) -> Path:
    """A demo database (`flask db upgrade` + `flask seed-demo`) at `dest`.

    run_all.py seeds once and hands the file over in $BENCH_SEEDED_SQLITE (seeding renders the
    demo PDFs, ≈30 s); a copy of it is identical to a fresh seed apart from timestamps."""
    template = os.environ.get("BENCH_SEEDED_SQLITE")
    if template and Path(template).exists():
        shutil.copyfile(template, dest)
        return dest
    url = sqlite_url(dest)
    t0 = time.perf_counter()
    flask_cli(["db", "upgrade"], url)
    flask_cli(["seed-demo"], url)
    log(f"  seeded demo database {dest} in {time.perf_counter() - t0:.1f} s")
    return dest


def copy_database(source_url: str, target_url: str) -> None:
    """Copy every row of the app's tables from one database to another whose schema exists
    (used to give PostgreSQL the same seeded demo as SQLite without rendering its PDFs again)."""
    from sqlalchemy import create_engine, func, select, text

    sys.path.insert(0, str(ROOT))
    import physio.models  # noqa: F401
    from physio.extensions import db

    src, dst = create_engine(source_url), create_engine(target_url)
    try:
        with src.connect() as s, dst.begin() as d:
            for table in db.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in s.execute(select(table))]
                if rows:
                    d.execute(table.insert(), rows)
            if dst.dialect.name == "postgresql":
                for table in db.metadata.sorted_tables:
                    if "id" in table.c:
                        top = d.execute(select(func.max(table.c.id))).scalar()
                        if top:
                            d.execute(
                                text(
                                    f"SELECT setval(pg_get_serial_sequence('{table.name}',"
                                    f" 'id'), {int(top)})"
                                )
                            )
    finally:
        src.dispose()
        dst.dispose()


# --- a throw-away PostgreSQL, as scripts/run-tests.sh starts it ---------------------------------


def _pg_bin() -> Path:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.name)] or [0],
    )
    if not versions:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
    return versions[-1]


class TempPostgres:
    """initdb as the postgres user in a temp dir, start on a free loopback port (fsync off),
    stop on exit. Extra server settings only affect bulk loading (index builds, checkpoints)."""

    def __init__(self, processes: Processes | None = None, *, settings: dict | None = None):
        self.bin = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="physio-bench-pg."))
        self.data = self.root / "data"
        self.port = free_port()
        self.settings = {"fsync": "off", "full_page_writes": "off", **(settings or {})}
        self.postmaster_pid: int | None = None
        self.processes = processes

    def _as_postgres(self, *cmd) -> list[str]:
        cmd = [str(c) for c in cmd]
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd

    def start(self) -> TempPostgres:
        become_subreaper()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)
        run(
            self._as_postgres(
                self.bin / "initdb",
                "-D",
                self.data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ),
            timeout=120,
        )
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} " + " ".join(
            f"-c {k}={v}" for k, v in self.settings.items()
        )
        run(
            self._as_postgres(
                self.bin / "pg_ctl",
                "-D",
                self.data,
                "-l",
                self.root / "log",
                "-w",
                "-t",
                "30",
                "-o",
                opts,
                "start",
            ),
            timeout=60,
        )
        with contextlib.suppress(OSError, ValueError):
            self.postmaster_pid = int((self.data / "postmaster.pid").read_text().split()[0])
            record_pid(self.postmaster_pid, str(self.data), "postgres")
        atexit.register(self.stop)
        return self

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def createdb(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if not self.data.exists():
            return
        run(
            self._as_postgres(
                self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop"
            ),
            timeout=60,
            check=False,
        )
        if self.postmaster_pid:
            if pid_alive(self.postmaster_pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.postmaster_pid, signal.SIGKILL)
            reap(self.postmaster_pid, 5)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- gunicorn ---------------------------------------------------------------------------------

APP_GUNICORN_CONF = ROOT / "gunicorn.conf.py"
BASELINE_GUNICORN_CONF = BENCH / "gunicorn_baseline.conf.py"


def start_gunicorn(
    processes: Processes,
    label: str,
    app_spec: str,
    port: int,
    env: dict,
    log_path: Path,
    config: Path | None = None,
    workers: int = 2,
    extra: list[str] | None = None,
    chdir: Path | None = None,
    ready_timeout: float = 60.0,
) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:port with 2 sync workers. `config`: the settings file (the app uses
    the project's gunicorn.conf.py, as in production: worker recycling, warm-up hook); the
    command line below wins over it (bind, workers, worker class, logging)."""
    cmd = [PYTHON, "-m", "gunicorn"]
    if config is not None and Path(config).exists():
        cmd += ["--config", str(config)]
    cmd += [
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(chdir or ROOT),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--access-logfile",
        "-",
        "--log-level",
        "info",
        *(extra or []),
        app_spec,
    ]
    out = open(log_path, "w")  # noqa: SIM115  (the child process writes it until stopped)
    proc = processes.start(
        label, cmd, env=env, cwd=chdir or ROOT, stdout=out, stop_signal=signal.SIGTERM
    )
    wait_http(port, "/login" if "physio" in app_spec else "/", proc, timeout=ready_timeout)
    return proc


def wait_http(port: int, path: str, proc: subprocess.Popen | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited ({proc.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"User-Agent": USER_AGENT})
            status = conn.getresponse().status
            conn.close()
            if status < 500:
                return
            last = status
        except OSError as exc:
            last = exc
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer {path}: {last}")


def child_pids(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def proc_status_kb(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class WorkerMemory:
    """Samples VmHWM (peak resident set) of every worker of a gunicorn master, once a second;
    keeps each worker's last reading (VmHWM only grows), so a worker that is replaced mid-run
    still counts."""

    def __init__(self, master_pid: int, interval: float = 1.0):
        self.master_pid, self.interval = master_pid, interval
        self.peak_kb: dict[int, int] = {}
        self.seen: dict[int, str] = {}  # pid -> first seen (a new pid = a replaced worker)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def sample(self) -> None:
        for pid in child_pids(self.master_pid):
            hwm = proc_status_kb(pid, "VmHWM")
            if hwm:
                if pid not in self.peak_kb:
                    self.seen[pid] = time.strftime("%H:%M:%S")
                self.peak_kb[pid] = max(hwm, self.peak_kb.get(pid, 0))

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> WorkerMemory:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sample()

    @property
    def max_mb(self) -> float:
        return max(self.peak_kb.values(), default=0) / 1024


# --- a small HTTP client with the session cookie ------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


class Client:
    """Keep-alive HTTP/1.1 client for one user: carries the `session` cookie (the app marks it
    Secure in production, which a browser would not send over plain http; we send it anyway,
    on loopback, as a TLS-terminating proxy would) and a fixed User-Agent (Flask-Login's
    "strong" session protection ties the session to it)."""

    def __init__(self, port: int, timeout: float = 30.0):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(
        self, method: str, path: str, form: dict | list | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {"User-Agent": USER_AGENT, "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2 or method != "GET":
                    raise
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                if val:
                    self.cookies[key.strip()] = val.strip()
                else:
                    self.cookies.pop(key.strip(), None)
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form):
        return self.request("POST", path, form)

    def csrf(self, path: str) -> str:
        status, _, body = self.get(path)
        match = CSRF_RE.search(body.decode("utf-8", "replace"))
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF token on {path} (status {status})")
        return match.group(1)

    def login(self, email: str, password: str = DEMO_PASSWORD) -> None:
        token = self.csrf("/login")
        status, _headers, body = self.post(
            "/login", {"csrf_token": token, "email": email, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"login of {email} failed: {status} {body[:300]!r}")


def location_id(headers: dict, pattern: str = r"/assessments/(\d+)/edit") -> int:
    match = re.search(pattern, headers.get("location", ""))
    if not match:
        raise RuntimeError(f"unexpected redirect: {headers.get('location')}")
    return int(match.group(1))


# --- numbers ----------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100)."""
    if not values:
        return float("nan")
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"


# --- the result table -------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table: what was measured, its value, the baseline measured next to it in
    the same run, their ratio and the target, and whether the target is met (None: no target)."""

    measure: str
    value: str
    baseline: str = "—"
    ratio: str = "—"
    target: str = ""
    met: bool | None = None
    part: str = ""
    details: dict = field(default_factory=dict)

    @property
    def ratio_target(self) -> str:
        if self.target:
            return f"{self.ratio} / {self.target}" if self.ratio != "—" else self.target
        return self.ratio


def met_word(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: "—"}[met]


def table(rows: list[Row], title: str | None = None) -> str:
    head = ("measure", "value", "baseline", "ratio / target", "met?")
    body = [(r.measure, r.value, r.baseline, r.ratio_target, met_word(r.met)) for r in rows]
    widths = [
        max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)
    ]

    def line(cells) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = []
    if title:
        out.append(title)
    out.append(line(head))
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out.extend(line(b) for b in body)
    return "\n".join(out)


def emit(rows: list[Row], json_path: str | None, title: str) -> None:
    """Print the part's table (stdout) and, for run_all.py, write the rows as JSON."""
    print(table(rows, title), flush=True)
    if json_path:
        Path(json_path).write_text(json.dumps([asdict(r) for r in rows], indent=1, default=str))


def environment_note() -> str:
    load1 = os.getloadavg()[0]
    return f"{os.cpu_count()} CPUs, load average {load1:.2f} at start"


# --- a realistic assessment form, as the browser posts it ---------------------------------------

LOCK_RE = re.compile(r'name="lock_version"[^>]*?value="(\d+)"')


def demo_form(story: int = 0) -> list[tuple[str, str]]:
    """The posted form of a demo story (physio/demo_records.py; 0 = Jane Runner's initial
    assessment: every section filled, PSFS, ODI, STarT Back), seen an hour ago, without the
    csrf_token and lock_version (the caller adds them)."""
    from datetime import date, datetime, timedelta
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    sys.path.insert(0, str(ROOT))
    from physio.clinical.schema import all_fields
    from physio.demo_records import records_for_seed

    _, record = records_for_seed(date.today())[story]
    seen = datetime.now(ZoneInfo("Europe/London")) - timedelta(hours=1)
    form: list[tuple[str, str]] = [("seen_at", seen.strftime("%Y-%m-%dT%H:%M"))]
    for section, f in all_fields():
        value = record[section.name].get(f.name)
        name = f"{section.name}-{f.name}"
        if value is None or value == [] or value == "":
            continue
        if f.kind == "bool":
            if value:
                form.append((name, "y"))
        elif f.kind == "multi":
            form.extend((name, v) for v in value)
        elif isinstance(value, date | datetime):
            form.append((name, value.isoformat()))
        elif isinstance(value, Decimal | float):
            form.append((name, f"{value}"))
        else:
            form.append((name, str(value)))
    for i, item in enumerate(record["outcomes"]["psfs"]):
        if item.get("activity"):
            form.append((f"outcomes-psfs-{i}-activity", item["activity"]))
        if item.get("score") is not None:
            form.append((f"outcomes-psfs-{i}-score", str(item["score"])))
    return form


def with_marker(form: list[tuple[str, str]], marker: str) -> list[tuple[str, str]]:
    """The form with `marker` as the presenting complaint (so each write is identifiable)."""
    out = [(k, v) for k, v in form if k != "history-presenting_complaint"]
    out.append(("history-presenting_complaint", marker))
    return out
