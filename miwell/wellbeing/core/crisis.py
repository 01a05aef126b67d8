"""Where a patient in crisis can turn now: the lines shown by "Need help now?" and after an urgent save.

An organisation keeps its own list (its clinic's crisis line first, then the national lines of its
country); a patient not linked to any clinic gets the deployment's defaults, which are the UK's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

NAME_MAX = 80
PHONE_MAX = 40
DETAIL_MAX = 160
LINES_MAX = 8


@dataclass(frozen=True)
class CrisisLine:
    name: str
    phone: str  # as people read it: "116 123"
    detail: str = ""  # when to call, what it costs

    @property
    def dial(self) -> str:
        """What a phone dials: digits, and a leading + kept ("tel:116123")."""
        return dial_string(self.phone)


UK_DEFAULTS: tuple[CrisisLine, ...] = (
    CrisisLine("Emergency services", "999", "If you are in danger now, or go to A&E."),
    CrisisLine("NHS 111", "111", "Choose option 2 for urgent mental health help, 24 hours a day."),
    CrisisLine("Samaritans", "116 123", "Free, any time, day or night."),
)


def dial_string(phone: str) -> str:
    digits = re.sub(r"[^\d]", "", phone)
    return ("+" + digits) if phone.strip().startswith("+") else digits


def check_line(name: str, phone: str, detail: str) -> CrisisLine:
    """A line as an admin typed it, or ValueError saying what to fix."""
    name, phone, detail = " ".join(name.split()), phone.strip(), " ".join(detail.split())
    if not name:
        raise ValueError("Give the line a name, for example Samaritans.")
    if len(name) > NAME_MAX:
        raise ValueError(f"A line's name is at most {NAME_MAX} characters.")
    if not phone:
        raise ValueError(f"Give {name} a number to call.")
    if len(phone) > PHONE_MAX or not re.fullmatch(r"\+?[\d ()\-]+", phone):
        raise ValueError(f"{name}: the number may hold digits, spaces, brackets, dashes and a leading +.")
    if len(dial_string(phone)) < 3:
        raise ValueError(f"{name}: the number is too short to call.")
    if len(detail) > DETAIL_MAX:
        raise ValueError(f"{name}: the note is at most {DETAIL_MAX} characters.")
    return CrisisLine(name, phone, detail)


def lines_for(organisation_lines: Iterable[Iterable[CrisisLine]]) -> list[CrisisLine]:
    """What a patient sees: the lines of each organisation they are linked to, each number once;
    the defaults when no organisation has any."""
    seen: set[str] = set()
    out: list[CrisisLine] = []
    for lines in organisation_lines:
        for line in lines:
            if line.dial not in seen:
                seen.add(line.dial)
                out.append(line)
    return out or list(UK_DEFAULTS)
