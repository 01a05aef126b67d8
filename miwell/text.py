"""What free text may hold before it is stored: pure rules, no Reflex, no database.

Control characters (NUL above all) corrupt exports and logs and some databases refuse them, so
they are refused with a message. Bidirectional *controls* (overrides, embeddings, isolates) let a
name or a note display as something other than what it is ("evil.exe" shown as "exe.live"), so
they are removed; ordinary right-to-left letters (Arabic, Hebrew) carry their own direction and
are untouched. Joiners used by emoji sequences are kept.
"""

from __future__ import annotations

import unicodedata

# Explicit directional formatting: LRE, RLE, PDF, LRO, RLO (U+202A..E) and LRI, RLI, FSI, PDI
# (U+2066..9). The implicit marks LRM/RLM/ALM only nudge neutral characters, so they stay.
BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# A byte-order mark inside text is an invisible leftover of copy and paste.
_INVISIBLE_JUNK = frozenset({"\ufeff"})
_REMOVED = BIDI_CONTROLS | _INVISIBLE_JUNK

BAD_CHARACTERS = "contains characters that cannot be stored (control characters). Please retype it."


def _is_control(ch: str, allow_newlines: bool) -> bool:
    if allow_newlines and ch in "\n\t":
        return False
    if ch == "\r":
        return False  # normalised to \n below
    # Cc: C0 and C1 controls, NUL included. Cs: lone surrogates, which no encoder can store.
    return unicodedata.category(ch) in ("Cc", "Cs")


def strip_bidi(text: str) -> str:
    return "".join(ch for ch in text if ch not in _REMOVED)


def has_control(text: str, allow_newlines: bool = False) -> bool:
    return any(_is_control(ch, allow_newlines) for ch in text)


def clean_line(raw: object, what: str = "The text") -> str:
    """One line (a name, a title): spaces collapsed, bidi controls removed, controls refused."""
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    if has_control(text.replace("\r", " ").replace("\n", " ").replace("\t", " ")):
        raise ValueError(f"{what} {BAD_CHARACTERS}")
    return " ".join(strip_bidi(text).split())


def clean_block(raw: object, what: str = "The text") -> str:
    """Several lines (a note, a reply): line breaks kept, bidi controls removed, controls refused."""
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if has_control(text, allow_newlines=True):
        raise ValueError(f"{what} {BAD_CHARACTERS}")
    return strip_bidi(text).strip()
