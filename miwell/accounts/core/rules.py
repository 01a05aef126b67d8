"""Pure account rules: validation, password policy, assignment, login throttling.

No Reflex and no database here, so each rule is tested and fuzzed directly.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Iterable, Sequence

import phonenumbers

from miwell.text import clean_line


class Role(str, Enum):
    PATIENT = "patient"
    PSYCHIATRIST = "psychiatrist"
    STAFF = "staff"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"patient": "Patient", "psychiatrist": "Psychiatrist", "staff": "Clinic staff", "admin": "Admin"}[self.value]


ROLES = tuple(r.value for r in Role)
SELF_REGISTER_ROLES = (Role.PATIENT.value, Role.PSYCHIATRIST.value)
HOME_PAGES = {
    Role.PATIENT.value: "/patient",
    Role.PSYCHIATRIST.value: "/psychiatrist",
    Role.STAFF.value: "/staff",
    Role.ADMIN.value: "/admin",
}
STATUS_PAGE = "/psychiatrist/status"


def idle_limit(role: str, clinical_minutes: int, patient_minutes: int) -> timedelta | None:
    """How long a session of ``role`` may go without activity; None: no limit."""
    minutes = patient_minutes if role == Role.PATIENT.value else clinical_minutes
    return timedelta(minutes=minutes) if minutes > 0 else None


def home_page(role: str, standing: str = "") -> str:
    """Where a user lands; a psychiatrist who is not approved sees only their status page."""
    if role == Role.PSYCHIATRIST.value and standing != "approved":
        return STATUS_PAGE
    return HOME_PAGES.get(role, "/")

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256
NAME_MAX_LENGTH = 120
EMAIL_MAX_LENGTH = 254

# A short list is enough to stop the passwords people try first; length does the rest.
_COMMON_PASSWORDS = frozenset(
    {
        "password", "password1", "password12", "password123", "passw0rd", "1234567890",
        "12345678910", "0123456789", "qwertyuiop", "iloveyou12", "letmein123", "welcome123",
        "abcdefghij", "qwerty1234", "1q2w3e4r5t", "changeme123", "miwell1234", "administrator",
    }
)

# Deliberately simple: the address must look like local@domain.tld with no spaces.
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def normalise_email(raw: str) -> str:
    """Trimmed and lower-cased, so that one address is one account whatever its spelling."""
    return (raw or "").strip().lower()


def validate_email(raw: str) -> str:
    email = normalise_email(raw)
    if not email:
        raise ValueError("Please enter your email address.")
    if len(email) > EMAIL_MAX_LENGTH or not _EMAIL_RE.match(email):
        raise ValueError("Please enter a valid email address, like name@example.org.")
    return email


def validate_name(raw: str, what: str = "full name") -> str:
    name = clean_line(raw, f"The {what}")
    if not name:
        raise ValueError(f"Please enter your {what}.")
    if len(name) > NAME_MAX_LENGTH:
        raise ValueError(f"The {what} must be at most {NAME_MAX_LENGTH} characters.")
    return name


def normalise_phone(raw: str, default_region: str = "GB") -> str:
    """Return the number in E.164 form (+447700900123) or raise ValueError."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("Please enter a phone number.")
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise ValueError(
            "That does not look like a phone number. Use digits, for example 020 7946 0958 or +44 20 7946 0958."
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            "That phone number is not valid. Check the digits, and add the country code (+33 ...) for numbers abroad."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """International format for people to read and dial."""
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    except phonenumbers.NumberParseException:
        return e164


def check_password_strength(password: str, email: str = "", name: str = "") -> None:
    """Raise ValueError saying what to change when the password is too weak."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValueError(f"The password is too short: use at least {PASSWORD_MIN_LENGTH} characters.")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValueError(f"The password is too long: use at most {PASSWORD_MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS:
        raise ValueError("That password is one of the most common ones. Choose something less guessable.")
    if len(set(password)) < 4:
        raise ValueError("The password repeats too few characters. Mix in more different ones.")
    local_part = normalise_email(email).split("@")[0]
    if len(local_part) >= 4 and local_part in lowered:
        raise ValueError("The password must not contain your email address.")
    for word in (name or "").lower().split():
        if len(word) >= 4 and word in lowered:
            raise ValueError("The password must not contain your name.")


# --- psychiatrists: standing, registration, who may take patients ----------------------------


class Standing(str, Enum):
    """Where a psychiatrist account stands. Only an approved one sees patients."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


STANDINGS = tuple(s.value for s in Standing)
# Which changes an admin may make; anything else is refused (e.g. suspending a pending account).
STANDING_CHANGES: dict[str, frozenset[str]] = {
    Standing.PENDING.value: frozenset({Standing.APPROVED.value, Standing.REJECTED.value}),
    Standing.APPROVED.value: frozenset({Standing.SUSPENDED.value}),
    Standing.SUSPENDED.value: frozenset({Standing.APPROVED.value}),
    Standing.REJECTED.value: frozenset({Standing.APPROVED.value}),
}
REASON_MAX_LENGTH = 500
CASELOAD_CAP_MAX = 2000

# The UK's General Medical Council numbers are seven digits; people type them with a "GMC"
# prefix, spaces or dashes, so those are accepted and dropped.
_GMC_RE = re.compile(r"^(?:GMC)?\s*[-:#]?\s*(\d[\d\s-]{5,12}\d)$", re.IGNORECASE)


def validate_registration_number(raw: str) -> str:
    """A GMC number as seven digits, or ValueError saying what is expected."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("Please enter your professional registration number (your 7-digit GMC number).")
    match = _GMC_RE.match(text)
    digits = re.sub(r"\D", "", match.group(1)) if match else ""
    if len(digits) != 7:
        raise ValueError("A GMC number has 7 digits, like 1234567. Please check the number.")
    return digits


def check_standing_change(current: str, new: str) -> None:
    if new not in STANDING_CHANGES.get(current, frozenset()):
        raise ValueError(f"A {current} account cannot be made {new}. Reload the page to see where it stands now.")


def validate_reason(raw: str, what: str = "a reason") -> str:
    reason = " ".join((raw or "").split())
    if len(reason) < 3:
        raise ValueError(f"Please write {what}: it is kept with the decision.")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValueError(f"Please keep it to {REASON_MAX_LENGTH} characters.")
    return reason


def validate_caseload_cap(raw: object) -> int | None:
    """Empty means no cap; otherwise a whole number of patients from 1."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip()
    if not text.isdigit() or not 1 <= int(text) <= CASELOAD_CAP_MAX:
        raise ValueError(f"The most patients you take must be a whole number from 1 to {CASELOAD_CAP_MAX}, or empty for no limit.")
    return int(text)


@dataclass(frozen=True)
class PsychiatristLoad:
    user_id: int
    patient_count: int
    registered_at: datetime
    accepting: bool = True  # the psychiatrist's own "taking new patients" setting
    cap: int | None = None  # the most patients they want, None for no limit


def can_take_patients(load: PsychiatristLoad) -> bool:
    return load.accepting and (load.cap is None or load.patient_count < load.cap)


def choose_psychiatrist(candidates: Iterable[PsychiatristLoad]) -> int | None:
    """Of those who can take patients, the one with the fewest; ties go to the longest-registered.

    Callers pass only approved psychiatrists (the service's query does so).
    """
    best = min(
        (c for c in candidates if can_take_patients(c)),
        key=lambda c: (c.patient_count, c.registered_at, c.user_id),
        default=None,
    )
    return None if best is None else best.user_id


def plan_handover(patient_ids: Sequence[int], others: Iterable[PsychiatristLoad]) -> dict[int, int]:
    """Hand patients one by one to whoever is least loaded at that moment.

    Returns ``{patient_id: new_psychiatrist_id}``; raises ValueError when there is nobody to take them.
    """
    loads = {c.user_id: c for c in others}
    if patient_ids and not loads:
        raise ValueError(
            "You are the last psychiatrist and still have patients, so the account cannot be deleted yet."
        )
    plan: dict[int, int] = {}
    for patient_id in patient_ids:
        chosen = choose_psychiatrist(loads.values())
        if chosen is None:
            raise ValueError(
                "No other psychiatrist is taking new patients (or all are at their limit), so the patients "
                "cannot be handed over automatically. An admin can choose who takes them."
            )
        plan[patient_id] = chosen
        c = loads[chosen]
        loads[chosen] = PsychiatristLoad(c.user_id, c.patient_count + 1, c.registered_at, c.accepting, c.cap)
    return plan


# Login throttling: a few free tries, then a growing delay; one source that keeps guessing is
# locked out, but never the address as a whole (that would let anyone lock anyone out).
FREE_ATTEMPTS = 3
LOCK_AFTER = 6
LOCK_MINUTES = 15
MAX_DELAY_SECONDS = 4.0
ADDRESS_WINDOW_MINUTES = 15  # an address's count of failures starts again after a quiet quarter hour
ANY_SOURCE = "*"
SOURCE_MAX_LENGTH = 64


def throttle_source(raw: object) -> str:
    """The client a failure is counted against (its IP); never the catch-all key."""
    text = str(raw or "").strip()[:SOURCE_MAX_LENGTH]
    return text if text and text != ANY_SOURCE else "unknown"


@dataclass(frozen=True)
class ThrottleState:
    failures: int = 0
    locked_until: datetime | None = None


def is_locked(state: ThrottleState, now: datetime) -> bool:
    return state.locked_until is not None and now < state.locked_until


def after_failure(state: ThrottleState, now: datetime) -> ThrottleState:
    """The throttle state after one more failed login."""
    if state.locked_until is not None and now >= state.locked_until:
        state = ThrottleState()  # a lock that ran out starts a fresh count
    failures = state.failures + 1
    if failures >= LOCK_AFTER:
        return ThrottleState(failures, now + timedelta(minutes=LOCK_MINUTES))
    return ThrottleState(failures, None)


def address_after_failure(state: ThrottleState, last_failure: datetime | None, now: datetime) -> ThrottleState:
    """The address-wide count after one more failure: it only slows answers, it never locks."""
    recent = last_failure is not None and now - last_failure < timedelta(minutes=ADDRESS_WINDOW_MINUTES)
    return ThrottleState((state.failures if recent else 0) + 1, None)


def failure_delay(failures: int) -> float:
    """Seconds to wait before answering a failed login, growing after the free tries."""
    if failures <= FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY_SECONDS, 0.5 * 2 ** (failures - FREE_ATTEMPTS - 1))


def lock_message(state: ThrottleState, now: datetime) -> str:
    assert state.locked_until is not None
    seconds = (state.locked_until - now).total_seconds()
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many failed attempts from this device. Sign-in here is locked for {minutes} {unit}; "
        "try again later, or ask an admin to lift the lock."
    )
