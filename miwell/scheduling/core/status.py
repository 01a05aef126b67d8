"""Appointment status lifecycle.

An appointment starts ``scheduled``; it may be ``confirmed`` by the patient,
``checked_in`` on arrival and ``completed`` after the session.  Before check-in
it may instead be ``cancelled`` or marked a ``no_show``.  ``completed``,
``cancelled`` and ``no_show`` are final.

:func:`transition` is the single gatekeeper for status changes so that the UI,
background jobs and tests all enforce the same rules.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "ACTIVE_STATUSES",
    "FINAL_STATUSES",
    "STATUSES",
    "InvalidTransition",
    "allowed_targets",
    "status_label",
    "transition",
]

STATUSES: tuple[str, ...] = (
    "scheduled",
    "confirmed",
    "checked_in",
    "completed",
    "cancelled",
    "no_show",
)

# Statuses whose appointment occupies its slot.  A no-show still held the slot
# (it could not be offered to anyone else in time), so only a cancellation
# gives the time back.
ACTIVE_STATUSES: tuple[str, ...] = tuple(s for s in STATUSES if s != "cancelled")

FINAL_STATUSES: tuple[str, ...] = ("completed", "cancelled", "no_show")

_TRANSITIONS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "scheduled": ("confirmed", "checked_in", "cancelled", "no_show"),
        "confirmed": ("checked_in", "cancelled", "no_show"),
        "checked_in": ("completed",),
        "completed": (),
        "cancelled": (),
        "no_show": (),
    }
)

_LABELS = MappingProxyType(
    {
        "scheduled": "scheduled",
        "confirmed": "confirmed",
        "checked_in": "checked in",
        "completed": "completed",
        "cancelled": "cancelled",
        "no_show": "no-show",
    }
)

# Adjectives used in "A <adjective> appointment cannot be ...".
_ADJECTIVES = MappingProxyType(
    {
        "scheduled": "scheduled",
        "confirmed": "confirmed",
        "checked_in": "checked-in",
        "completed": "completed",
        "cancelled": "cancelled",
        "no_show": "no-show",
    }
)

# Past participles used in "... cannot be <verb>." and "... is already <verb>."
_VERBS = MappingProxyType(
    {
        "scheduled": "moved back to scheduled",
        "confirmed": "confirmed",
        "checked_in": "checked in",
        "completed": "marked completed",
        "cancelled": "cancelled",
        "no_show": "marked as a no-show",
    }
)


class InvalidTransition(ValueError):
    """Raised when an appointment status may not change as requested.

    ``current`` and ``target`` hold the values that were asked for, so callers
    can log them; ``str(error)`` is a message suitable for the receptionist.
    """

    def __init__(self, message: str, current: object = None, target: object = None) -> None:
        super().__init__(message)
        self.current = current
        self.target = target


def _is_known(status: object) -> bool:
    # Checking the type first keeps unhashable junk (lists, dicts) from raising TypeError.
    return isinstance(status, str) and status in _TRANSITIONS


def _unknown(status: object) -> str:
    return f"Unknown appointment status {status!r}; expected one of: {', '.join(STATUSES)}."


def status_label(status: str) -> str:
    """Human-readable label for a status, e.g. ``"checked in"`` for ``"checked_in"``."""
    if not _is_known(status):
        raise InvalidTransition(_unknown(status), status)
    return _LABELS[status]


def allowed_targets(current: str) -> tuple[str, ...]:
    """Statuses reachable from ``current`` in one step, in :data:`STATUSES` order.

    Final statuses return an empty tuple.  An unknown ``current`` raises
    :class:`InvalidTransition`, since it points to corrupt data rather than a
    user mistake.
    """
    if not _is_known(current):
        raise InvalidTransition(_unknown(current), current)
    return _TRANSITIONS[current]


def transition(current: str, target: str) -> str:
    """Return ``target`` if an appointment may move from ``current`` to it.

    Raises :class:`InvalidTransition` (a :class:`ValueError`) with a
    plain-language message otherwise, including for unknown statuses and for
    "moving" to the status the appointment already has.
    """
    if not _is_known(current):
        raise InvalidTransition(_unknown(current), current, target)
    if not _is_known(target):
        raise InvalidTransition(_unknown(target), current, target)
    if target in _TRANSITIONS[current]:
        return target

    if target == current:
        message = f"This appointment is already {_VERBS[current]}."
    else:
        message = f"A {_ADJECTIVES[current]} appointment cannot be {_VERBS[target]}."
        if target == "completed" and current in ("scheduled", "confirmed"):
            message = message[:-1] + "; check the patient in first."
    raise InvalidTransition(message, current, target)
