"""What the clinic pages' states share: running a service call, reading form values, today's date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from miwell.accounts.core.rules import Role
from miwell.accounts.services import AccountError
from miwell.db import session_scope
from miwell.scheduling.core.formatting import day_text
from miwell.scheduling.services import AppointmentRow, SchedulingError, links
from miwell.settings import get_settings

STAFF = Role.STAFF.value
ADMIN = Role.ADMIN.value
SELF_CLIENT = "self"
ACTION_LABELS = {
    "confirmed": "Confirm",
    "checked_in": "Check in",
    "completed": "Complete",
    "no_show": "No-show",
    "cancelled": "Cancel…",
}
_T = TypeVar("_T")


def _today() -> date:
    """Today at the desk; clinics of one organisation share a zone in practice, so the default zone is used."""
    return datetime.now(ZoneInfo(get_settings().default_timezone)).date()


def _last_segment(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _form(form: dict[str, Any], key: str) -> str:
    return str(form.get(key, "") or "")


def _run(action: Callable[[Any], _T]) -> tuple[_T | None, str]:
    """Run ``action(session)`` in one transaction; a refusal becomes the message to show."""
    try:
        with session_scope() as s:
            return action(s), ""
    except (SchedulingError, AccountError, ValueError) as exc:
        return None, str(exc)


def appointment_dict(row: AppointmentRow) -> dict[str, str]:
    item = {
        "id": str(row.id),
        "when": row.when,
        "day": day_text(row.starts_at.date()),
        "hours": row.hours,
        "doctor": row.doctor,
        "doctor_href": f"/staff/doctors/{row.doctor_id}",
        "colour": row.colour,
        "clinic": row.clinic,
        "patient": row.patient,
        "client": row.client or "—",
        "status": row.status,
        "status_label": row.status_label,
    }
    for target in ACTION_LABELS:
        item[f"can_{target}"] = "yes" if target in row.actions else ""
    return item



def _link_text(linked: str, asked: str, status: str) -> str:
    """What a clinic list says about a record's MiWell account, the same whether or not one exists."""
    if linked:
        return linked
    if asked and status == "pending":
        return f"Asked {asked} to confirm"
    if asked and status == "declined":
        return f"{asked} did not confirm"
    return "—"


def _asked_note(typed: str, saved: object) -> str:
    """After a save: what happens to the account box's address (nothing said about its existence)."""
    email = (typed or "").strip().lower()
    if not email or getattr(saved, "user_id", None) is not None:
        return ""
    return links.waiting_note(email)
