"""Login throttling that can't be dodged by respelling the email nor turned against a physio.

Three fixed-window budgets count failed logins only (README "Security model"):
- per (account, address), LOGIN_RATE_LIMIT: guessing one account from one place stops fast;
- per address, LOGIN_ADDRESS_RATE_LIMIT: trying many accounts from one place stops too;
- per account, LOGIN_ACCOUNT_RATE_LIMIT (slower): guessing spread over many addresses stops.
  When it is spent, an address the account has logged in from before may still try (its own
  per-(account, address) budget still applies), so a stranger can lock an account out of new
  places but not out of the clinic where its physio works.

The account is the normalised identity the login looks up (security.normalise_identity), so
`admin@…%00` and `ADMIN@…` count as the account they reach; it is hashed in the key, so the
limit store holds no email. The address is `request.remote_addr`, the client's own address
behind TRUSTED_PROXIES reverse proxies (ProxyFix in physio/app.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from limits import parse_many

from physio.extensions import limiter


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class LoginThrottle:
    identity: str
    address: str

    def _budgets(self) -> list[tuple[str, str, tuple[str, ...]]]:
        account = _digest(self.identity)
        config = current_app.config
        return [
            ("login-pair", config["LOGIN_RATE_LIMIT"], (account, self.address)),
            ("login-address", config["LOGIN_ADDRESS_RATE_LIMIT"], (self.address,)),
            ("login-account", config["LOGIN_ACCOUNT_RATE_LIMIT"], (account,)),
        ]

    def refused(self, known_address: Callable[[], bool]) -> bool:
        """True when this attempt must not be tried (answer 429). `known_address` is asked
        only when the account's own budget is spent."""
        if not limiter.enabled:
            return False
        for name, spec, ids in self._budgets():
            spent = any(not limiter.limiter.test(item, name, *ids) for item in parse_many(spec))
            if spent and not (name == "login-account" and known_address()):
                return True
        return False

    def failed(self) -> None:
        """Count one failed attempt against every budget."""
        if not limiter.enabled:
            return
        for name, spec, ids in self._budgets():
            for item in parse_many(spec):
                limiter.limiter.hit(item, name, *ids)
