"""Calendar event colours.

:data:`PALETTE` holds twelve clearly distinct hues, each dark enough for white
event text to meet the WCAG AA contrast ratio (4.5:1).  :func:`default_colour`
picks a colour for a new clinician or agenda so that neighbours in the
calendar stay easy to tell apart.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

__all__ = ["PALETTE", "default_colour", "is_valid_colour"]

# Tailwind 600/700 shades, ordered so that consecutive picks differ strongly in hue.
PALETTE: tuple[str, ...] = (
    "#2563eb",  # blue
    "#047857",  # emerald
    "#b45309",  # amber
    "#7c3aed",  # violet
    "#dc2626",  # red
    "#0e7490",  # cyan
    "#be185d",  # pink
    "#4d7c0f",  # lime
    "#4f46e5",  # indigo
    "#c2410c",  # orange
    "#a21caf",  # fuchsia
    "#475569",  # slate
)

_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def is_valid_colour(value: object) -> bool:
    """Whether ``value`` is a ``#rrggbb`` hex colour (either letter case)."""
    return isinstance(value, str) and _HEX_COLOUR.fullmatch(value) is not None


def default_colour(used: Iterable[str | None], palette: Sequence[str] = PALETTE) -> str:
    """Return the colour to suggest next, given the colours already ``used``.

    The first palette colour not in ``used`` wins; once every colour is taken,
    the least-used one is chosen (the earliest in the palette on ties).
    Comparison ignores letter case and surrounding spaces, and ``None`` entries
    (no colour stored) are ignored, so ``used`` can come straight from the
    database.  The colour is returned as spelled in ``palette``.
    """
    if not palette:
        raise ValueError("The colour palette is empty.")
    counts = Counter(colour.strip().lower() for colour in used if isinstance(colour, str))
    # min() keeps the first of equal keys, which gives the palette-order tie-break.
    return min(palette, key=lambda colour: counts[colour.strip().lower()])
