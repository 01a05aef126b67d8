"""What the clinic desk is asked to do by others: crisis lines its patients see (kept by admins)
and urgent appointment requests from psychiatrists (handled by staff)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, delete, select

from miwell.accounts.services import CurrentUser
from miwell.ids import is_id
from miwell.scheduling.models import CrisisLine, UrgentRequest
from miwell.scheduling.services.common import _organisation, _require_admin, _staff_organisation
from miwell.scheduling.services.errors import NOT_FOUND, NotFound, SchedulingError
from miwell.timeutil import utcnow
from miwell.wellbeing.core import crisis

# --- crisis lines (admin) --------------------------------------------------------------------


def crisis_lines(session: Session, actor: CurrentUser, organisation_id: object) -> list[crisis.CrisisLine]:
    """The organisation's own lines, in order (empty: its patients see the deployment's defaults)."""
    _require_admin(actor)
    organisation = _organisation(session, organisation_id)  # type: ignore[arg-type]
    return lines_of(session, [organisation.id])  # type: ignore[list-item]


def lines_of(session: Session, organisation_ids: Sequence[int]) -> list[crisis.CrisisLine]:
    """Lines of several organisations in one query, each organisation's in its order. No rights
    are checked: these are public phone numbers, shown to the organisation's linked patients."""
    if not organisation_ids:
        return []
    rows = session.exec(
        select(CrisisLine)
        .where(CrisisLine.organisation_id.in_(list(organisation_ids)))  # type: ignore[attr-defined]
        .order_by(CrisisLine.organisation_id, CrisisLine.position)
    ).all()
    return [crisis.CrisisLine(r.name, r.phone, r.detail) for r in rows]


def set_crisis_lines(
    session: Session, actor: CurrentUser, organisation_id: object, lines: Sequence[tuple[object, object, object]]
) -> list[crisis.CrisisLine]:
    """Replace the organisation's lines with ``lines`` (name, phone, detail), in that order. Rows
    left entirely blank are dropped; anything else wrong is refused with what to fix."""
    _require_admin(actor)
    organisation = _organisation(session, organisation_id)  # type: ignore[arg-type]
    checked: list[crisis.CrisisLine] = []
    for name, phone, detail in lines:
        values = [str(v or "") for v in (name, phone, detail)]
        if not any(v.strip() for v in values):
            continue
        try:
            checked.append(crisis.check_line(*values))
        except ValueError as exc:
            raise SchedulingError(str(exc)) from None
    if len(checked) > crisis.LINES_MAX:
        raise SchedulingError(f"Keep it to {crisis.LINES_MAX} lines: in a crisis, fewer choices help.")
    if len({line.dial for line in checked}) != len(checked):
        raise SchedulingError("The same number is listed twice.")
    session.exec(delete(CrisisLine).where(CrisisLine.organisation_id == organisation.id))  # type: ignore[arg-type]
    for position, line in enumerate(checked):
        session.add(
            CrisisLine(
                organisation_id=organisation.id, position=position, name=line.name, phone=line.phone, detail=line.detail
            )
        )
    session.flush()
    return checked


# --- urgent requests (staff) -----------------------------------------------------------------


@dataclass(frozen=True)
class UrgentRequestView:
    id: int
    patient_name: str
    clinic_patient_id: int | None
    requested_by: str
    reason: str
    created_at: datetime


def urgent_requests(session: Session, actor: CurrentUser) -> list[UrgentRequestView]:
    """The organisation's open requests, oldest first (the longest waiting at the top); one query."""
    organisation_id = _staff_organisation(actor)
    rows = session.exec(
        select(UrgentRequest)
        .where(UrgentRequest.organisation_id == organisation_id, UrgentRequest.handled_at.is_(None))  # type: ignore[union-attr]
        .order_by(UrgentRequest.created_at, UrgentRequest.id)
    ).all()
    return [
        UrgentRequestView(r.id, r.patient_name, r.clinic_patient_id, r.requested_by_name, r.reason, r.created_at)  # type: ignore[arg-type]
        for r in rows
    ]


def handle_urgent_request(session: Session, actor: CurrentUser, request_id: object, now: datetime | None = None) -> bool:
    """Mark a request dealt with; False if someone already had."""
    organisation_id = _staff_organisation(actor)
    request = session.get(UrgentRequest, request_id) if is_id(request_id) else None
    if request is None or request.organisation_id != organisation_id:
        raise NotFound(NOT_FOUND)
    if request.handled_at is not None:
        return False
    request.handled_at, request.handled_by = now or utcnow(), actor.id
    session.add(request)
    session.flush()
    return True
