"""Browser tests: the real app served on a loopback port, driven by Debian's Chromium.

- `live_server`: a fresh app per test (CSRF on, as in production) on a free port, in a daemon
  thread. SQLite: a temporary file database (the app's threads share it). PostgreSQL
  (TEST_DATABASE_URL set): the shared test database, truncated by tests/conftest.py's reset.
- Chromium: /usr/bin/chromium with the launch flags of docs/platform-notes.md (never
  `playwright install`); a 768×1024 tablet viewport.
- `shot`: screenshots per step into $PHYSIO_ARTIFACTS (or artifacts/), one folder per database.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from config import TestingConfig
from physio.app import create_app
from physio.extensions import db
from tests.helpers import ON_POSTGRES, PASSWORD, Factory, make_app

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DB_NAME = "postgresql" if ON_POSTGRES else "sqlite"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 768, "height": 1024}


def pytest_collection_modifyitems(items):
    # Every test in this folder needs the browser (the modules also set pytestmark).
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (never `playwright install`)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "en-GB"}


# Counts the form script's autosave requests and the last user input, so a test can wait until
# everything typed has reached the server (see `settle_autosave`). Init scripts run outside the
# page's CSP; the app's own script is untouched.
AUTOSAVE_PROBE = """
(() => {
  const probe = window.__autosave = {inflight: 0, started: 0, lastStart: 0, lastInput: 0};
  const mark = () => { probe.lastInput = performance.now(); };
  document.addEventListener("input", mark, true);
  document.addEventListener("change", mark, true);
  const realFetch = window.fetch.bind(window);
  window.fetch = function (url, options) {
    if (String(url).includes("/autosave")) {
      probe.inflight += 1; probe.started += 1; probe.lastStart = performance.now();
      return realFetch(url, options).finally(() => { probe.inflight -= 1; });
    }
    return realFetch(url, options);
  };
})();
"""


@pytest.fixture
def context(context):
    context.add_init_script(AUTOSAVE_PROBE)
    context.set_default_timeout(15_000)
    return context


# --- the live server -------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: object
    url: str
    make: Factory

    def __call__(self, path: str = "/") -> str:
        return self.url + path


def _build_app(tmp_path: Path):
    if ON_POSTGRES:
        return make_app(WTF_CSRF_ENABLED=True)  # reuses the suite's PostgreSQL reset
    app = create_app(
        TestingConfig,
        WTF_CSRF_ENABLED=True,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'physio.sqlite'}",
    )
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def live_server(tmp_path):
    app = _build_app(tmp_path)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}", make=Factory(app))
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@dataclass
class Account:
    email: str
    password: str
    name: str
    clinic: object
    user: object


@pytest.fixture
def account(live_server) -> Account:
    clinic = live_server.make.clinic("Riverside Physio")
    user = live_server.make.user(
        clinic, "physio", name="Sam Patel", email="sam@example.org", registration="PH123456"
    )
    return Account(user.email, PASSWORD, user.name, clinic, user)


# --- screenshots ------------------------------------------------------------------------------


def artifacts_dir() -> Path:
    base = Path(os.environ.get("PHYSIO_ARTIFACTS") or ROOT / "artifacts")
    if not base.is_absolute():
        base = ROOT / base
    # scripts/run-tests.sh already passes artifacts/postgresql for the PostgreSQL run.
    return base if base.name == DB_NAME else base / DB_NAME


@pytest.fixture
def shot(request):
    """shot(page, "step-name", full_page=True): save <artifacts>/<db>/<test>/<NN>-<step>.png."""
    name = request.node.originalname.removeprefix("test_")
    folder = artifacts_dir() / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def take(page, step: str, *, full_page: bool = True) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
