"""Login throttling that can't be dodged by respelling the email nor turned against a physio.

Three fixed-window budgets count failed logins only (README "Security model"):
- per (account, address), LOGIN_RATE_LIMIT: guessing one account from one place stops fast;
- per address, LOGIN_ADDRESS_RATE_LIMIT: trying many accounts from one place stops too;
- per account, LOGIN_ACCOUNT_RATE_LIMIT (slower): guessing spread over many addresses stops.
  When it is spent, an address the account has logged in from before may still try (its own
  per-(account, address) budget still applies), so a stranger can lock an account out of new
  places but not out of the clinic where its physio works. "The account" is then the user, not
  the email: emails are unique per clinic only, so a look-alike account with the same email in
  another clinic must not make its own address "known" for the real one. While the budget is
  spent, the password is checked only against the users who logged in from this address before
  (Admission.only); the others are refused with the same 429 as from a new address.

The account is the normalised identity the login looks up (security.normalise_identity), so
`admin@…%00` and `ADMIN@…` count as the account they reach; it is hashed in the key, so the
limit store holds no email. The address is `request.remote_addr`, the client's own address
behind TRUSTED_PROXIES reverse proxies (ProxyFix in physio/app.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from limits import parse_many

from physio.extensions import limiter


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class Admission(NamedTuple):
    refused: bool  # answer 429 without checking the password
    # None: the password may be checked against every account the email names. A set: the
    # account's own budget is spent; only these users (who logged in from here) may be tried.
    only: frozenset[int] | None = None


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

    def admit(self, known_users: Callable[[], Collection[int]]) -> Admission:
        """May this attempt be tried, and against whom? `known_users` (the ids of the users
        with this email who logged in from this address before) is asked only when the
        account's own budget is spent: then only they may be tried, and with none the attempt
        is refused."""
        if not limiter.enabled:
            return Admission(False)
        only: frozenset[int] | None = None
        for name, spec, ids in self._budgets():
            spent = any(not limiter.limiter.test(item, name, *ids) for item in parse_many(spec))
            if not spent:
                continue
            if name != "login-account":
                return Admission(True)
            only = frozenset(known_users())
            if not only:
                return Admission(True)
        return Admission(False, only)

    def refused(self, known_address: Callable[[], bool]) -> bool:
        """True when this attempt must not be tried at all (answer 429); `known_address` says
        whether anyone with this email logged in from this address before."""
        return self.admit(lambda: {0} if known_address() else set()).refused

    def failed(self) -> None:
        """Count one failed attempt against every budget."""
        if not limiter.enabled:
            return
        for name, spec, ids in self._budgets():
            for item in parse_many(spec):
                limiter.limiter.hit(item, name, *ids)


@dataclass(frozen=True)
class PasswordCheckThrottle:
    """Wrong passwords when signing, per user, SIGN_PASSWORD_RATE_LIMIT (30 an hour): the
    per-minute limit of the sign route alone would let a stolen session try 14,400 a day."""

    user_id: int
    name: str = "sign-password"

    def _items(self):
        return parse_many(current_app.config["SIGN_PASSWORD_RATE_LIMIT"])

    def refused(self) -> bool:
        if not limiter.enabled:
            return False
        return any(
            not limiter.limiter.test(item, self.name, str(self.user_id)) for item in self._items()
        )

    def failed(self) -> None:
        if not limiter.enabled:
            return
        for item in self._items():
            limiter.limiter.hit(item, self.name, str(self.user_id))
