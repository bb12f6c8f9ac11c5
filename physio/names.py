"""What a name may hold, and the key that tells two clinic names apart (pure Python).

Names (patients, users, clinics) are plain text: no control characters, no bidirectional
overrides, and nothing invisible — format characters (Unicode category Cf: zero-width space,
word joiner, direction marks, …), line and paragraph separators (Zl, Zp), the Hangul and
Mongolian fillers and the combining grapheme joiner. Combining accents (an é typed as e and
U+0301) are letters' parts and stay allowed; the zero-width (non-)joiner that some scripts need
(Persian, Indic) is allowed only between two letters of a non-Latin script.

Clinic names are identities to people (`users create --clinic NAME`), so two names that look
alike must not be two clinics: they are compared on `clinic_name_key` — NFKC-normalised
(fullwidth and compatibility forms), invisible characters removed, whitespace collapsed,
case-folded, and the common Cyrillic and Greek look-alikes of Latin letters mapped to them.
"""

from __future__ import annotations

import unicodedata

# Bidirectional embeddings, overrides and isolates: they make a name display as another.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible although not in a format category: Hangul fillers, Mongolian vowel separator (Cf in
# current Unicode, listed for older tables), combining grapheme joiner, Khmer inherent vowels,
# Braille blank.
INVISIBLE_OTHERS = frozenset("\u115f\u1160\u3164\uffa0\u180e\u034f\u17b4\u17b5\u2800")
JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner, joiner


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ("L", "M")


def _non_latin_letter(ch: str) -> bool:
    return _is_letter(ch) and not unicodedata.name(ch, "").startswith("LATIN")


def _joiner_in_place(text: str, i: int) -> bool:
    """A joiner between two letters of a script that uses it (not Latin)."""
    return (
        0 < i < len(text) - 1 and _non_latin_letter(text[i - 1]) and _non_latin_letter(text[i + 1])
    )


def is_invisible(ch: str) -> bool:
    """Format characters, line/paragraph separators and the known invisible fillers."""
    return unicodedata.category(ch) in ("Cf", "Zl", "Zp") or ch in INVISIBLE_OTHERS


def name_problem(text: str) -> str | None:
    """None for a plain name, else what is wrong with it: a control character (tab, newline,
    escape, …), an unassigned or private-use code point, a bidirectional override, or an
    invisible character."""
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Co", "Cn") or ch in BIDI_CONTROLS:
            return "control"
        if ch in JOINERS and _joiner_in_place(text, i):
            continue
        if is_invisible(ch):
            return "invisible"
    return None


# Cyrillic and Greek capitals that look like Latin ones (mapped before case folding, which
# would turn Greek Ν into ν, a look-alike of v) ...
_UPPER_LOOK_ALIKES = str.maketrans(
    {
        "А": "A", "В": "B", "Е": "E", "Ѕ": "S", "І": "I", "Ј": "J", "К": "K", "М": "M",
        "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "Ү": "Y", "Ԁ": "D",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip
# ... and small letters that look like Latin small letters (after case folding).
_LOWER_LOOK_ALIKES = str.maketrans(
    {
        "а": "a", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j", "к": "k",
        "ӏ": "l", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d",
        "ԛ": "q", "ԝ": "w", "ү": "y",
        "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "υ": "u", "χ": "x",
        "ϲ": "c",
        "ı": "i", "ȷ": "j",
    }
)  # fmt: skip


def clinic_name_key(name: str) -> str:
    """The key two clinic names are compared on (unique in the database): equal for names
    that look the same."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if not is_invisible(ch) and ch not in BIDI_CONTROLS)
    text = " ".join(text.split()).translate(_UPPER_LOOK_ALIKES).casefold()
    return unicodedata.normalize("NFKC", text.translate(_LOWER_LOOK_ALIKES))
