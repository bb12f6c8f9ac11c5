"""The shared `app` fixture: one app per session, yet every test starts from empty tables, the
configuration it was built with, and fresh rate-limit counters (tests/helpers.py `isolated`)."""

from __future__ import annotations

from physio.models import Clinic
from tests.helpers import count, isolated


def failed_logins(client, n: int) -> list[int]:
    return [
        client.post("/login", data={"email": "x@example.org", "password": "wrong"}).status_code
        for _ in range(n)
    ]


def test_the_next_test_sees_none_of_a_test_s_config_rows_or_rate_limits(app, make):
    with isolated(app):  # what one test does ...
        app.config["PATIENTS_PER_PAGE"] = 3
        app.config["ADDED_BY_A_TEST"] = True
        make.clinic("Left behind")
        assert failed_logins(app.test_client(), 6)[-1] == 429  # LOGIN_RATE_LIMIT: 5 a minute
    with isolated(app):  # ... and what the next one finds
        assert app.config["PATIENTS_PER_PAGE"] == 25
        assert "ADDED_BY_A_TEST" not in app.config
        assert count(app, Clinic) == 0
        assert 429 not in failed_logins(app.test_client(), 5)  # a full allowance again


def test_ids_start_at_one_again_after_the_reset(app, make):
    make.clinic("First")
    with isolated(app):
        assert make.clinic("Again").id == 1
