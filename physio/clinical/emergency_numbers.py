"""Emergency and urgent-advice numbers by the clinic's country (docs/clinical-rules.md, "Safety").

Clinical data, pure Python: every patient text that says "call the emergency number" takes the
number from here, chosen by the clinic setting ``country`` (ISO 3166 alpha-2; ``EU`` for any other
EU country). Sources: docs/evidence.md §2.3 and §3.8 (corrected 2026-12-01: NHS 111 is the UK's
non-emergency urgent-advice line and is never the instruction for an emergency; 999 is).

- GB: 999 for emergencies (112 also works); NHS 111 for urgent advice only.
- IE: 112 or 999.
- AU: 000 (Triple Zero).
- NZ: 111 is New Zealand's *emergency* number.
- US, CA: 911.
- EU member states: 112.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_COUNTRY = "GB"


@dataclass(frozen=True)
class EmergencyNumbers:
    country: str
    name: str
    #: The number(s) to call in an emergency, as the patient reads them: "999", "112 or 999".
    emergency: str
    #: What the hospital's emergency department is called there.
    department: str
    #: The urgent (non-emergency) advice line, or None where there is no single national line.
    urgent_advice: str | None = None

    @property
    def short_numbers(self) -> frozenset[str]:
        """The three-digit numbers this country's texts may print (emergency, and NHS 111)."""
        digits = [w for w in (self.urgent_advice or "").split() if w.isdigit()]
        advice = set(digits) if len(digits) == 1 and len(digits[0]) == 3 else set()
        return self.emergency_numbers | advice

    @property
    def emergency_numbers(self) -> frozenset[str]:
        return frozenset(self.emergency.replace(" or ", " ").split())


_EU_MEMBERS = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]

_TABLE: dict[str, EmergencyNumbers] = {
    "GB": EmergencyNumbers("GB", "United Kingdom", "999", "A&E (emergency department)", "NHS 111"),
    "IE": EmergencyNumbers("IE", "Ireland", "112 or 999", "emergency department"),
    "AU": EmergencyNumbers("AU", "Australia", "000", "emergency department"),
    "NZ": EmergencyNumbers("NZ", "New Zealand", "111", "emergency department"),
    "US": EmergencyNumbers("US", "United States", "911", "emergency room"),
    "CA": EmergencyNumbers("CA", "Canada", "911", "emergency department"),
    "EU": EmergencyNumbers("EU", "another EU country", "112", "emergency department"),
}
for _code in _EU_MEMBERS:
    _TABLE[_code] = EmergencyNumbers(_code, _code, "112", "emergency department")

#: The choices of the admin page: (code, label), the main ones first.
COUNTRY_CHOICES: tuple[tuple[str, str], ...] = (
    ("GB", "United Kingdom (999; NHS 111 for urgent advice)"),
    ("IE", "Ireland (112 or 999)"),
    ("AU", "Australia (000)"),
    ("NZ", "New Zealand (111)"),
    ("US", "United States (911)"),
    ("CA", "Canada (911)"),
    ("EU", "Another EU country (112)"),
)
COUNTRIES: frozenset[str] = frozenset(_TABLE)

#: Every three-digit emergency or advice number of any country: a patient text holding one that is
#: not its own country's is wrong (physio/plan/invariants.py).
ALL_SHORT_NUMBERS: frozenset[str] = frozenset(n for e in _TABLE.values() for n in e.short_numbers)


def normalise_country(code: str | None) -> str:
    """An upper-case known code; anything else is the default (GB)."""
    value = (code or "").strip().upper()
    if value == "UK":
        value = "GB"
    return value if value in _TABLE else DEFAULT_COUNTRY


def for_country(code: str | None) -> EmergencyNumbers:
    return _TABLE[normalise_country(code)]
