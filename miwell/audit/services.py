"""Recording and reading the audit log.

Changes are recorded by one listener on every database session (``after_flush``): whatever
service creates, changes or deletes a patient's entry, reply, alert, questionnaire, appointment
or contact details, the event is written in the same transaction, so a change that commits is
always on record and a change that rolls back never is. Views are recorded by the services that
read those records for someone else (``viewed``), in one statement per page however many
patients it shows.

Who acts comes from ``acting(...)``, which the authorization policy sets around every event
handler that resolved its user, with the request's address; work that no person started (the job
queue, the demo loader) is recorded as ``system``.
"""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable, Iterator

from sqlalchemy import and_, event, insert, or_
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from miwell.accounts.models import PatientProfile, User
from miwell.audit.models import AuditEvent
from miwell.scheduling.models import ClinicPatient
from miwell.timeutil import utcnow
from miwell.wellbeing.models import MoodEntry

# The same person seeing the same record again within this long is already on record: a live
# dashboard that refreshes on every new entry would otherwise write a row a minute per patient.
VIEW_WINDOW = timedelta(minutes=10)
SEARCH_LIMIT = 200
EXPORT_LIMIT = 50_000


class AuditError(Exception):
    """A request the log cannot answer (a bad period, a role that may not read it)."""


@dataclass(frozen=True)
class Acting:
    actor_id: int | None
    actor_role: str
    origin: str = ""


SYSTEM = Acting(None, "system")
_acting: ContextVar[Acting | None] = ContextVar("miwell_audit_acting", default=None)
_quiet: ContextVar[bool] = ContextVar("miwell_audit_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Record nothing inside: for the demo loader's invented history only."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def begin_acting(actor_id: int | None, actor_role: str, origin: str = "") -> Token:
    return _acting.set(Acting(actor_id, actor_role or "signed out", (origin or "")[:100]))


def end_acting(token: Token) -> None:
    try:
        _acting.reset(token)
    except ValueError:  # reset from another context (a generator resumed elsewhere): just clear
        _acting.set(None)


@contextmanager
def acting(actor_id: int | None, actor_role: str, origin: str = "") -> Iterator[None]:
    token = begin_acting(actor_id, actor_role, origin)
    try:
        yield
    finally:
        end_acting(token)


def current() -> Acting:
    return _acting.get() or SYSTEM


def _row(who: Acting, at: datetime, action: str, subject: str, **fields: Any) -> dict[str, Any]:
    return {
        "at": at, "actor_id": who.actor_id, "actor_role": who.actor_role, "action": action, "subject": subject,
        "record_id": fields.get("record_id"), "patient_id": fields.get("patient_id"),
        "clinic_patient_id": fields.get("clinic_patient_id"), "organisation_id": fields.get("organisation_id"),
        "detail": (fields.get("detail") or "")[:200], "origin": who.origin,
    }  # fmt: skip


def _acting_as(actor: Any | None) -> Acting:
    """The service's own ``actor`` when it names one (with the request's address), else the context's."""
    who = current()
    if actor is not None:
        return Acting(actor.id, actor.role, who.origin)
    return who


def record(session: Session, action: str, subject: str, actor: Any | None = None, **fields: Any) -> None:
    """One event by hand, for what the listener cannot see (an erasure, a bulk delete, an export)."""
    if _quiet.get():
        return
    session.execute(insert(AuditEvent), [_row(_acting_as(actor), utcnow(), action, subject, **fields)])


def viewed(
    session: Session,
    actor: Any,
    subject: str,
    patient_ids: Iterable[int] = (),
    clinic_patient_ids: Iterable[int] = (),
    organisation_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Record that ``actor`` saw ``subject`` of these patients: two statements whatever their number.

    Returns how many events were written (views already on record within ``VIEW_WINDOW`` are not
    written again).
    """
    patients = {int(p) for p in patient_ids if p}
    clinic_patients = {int(p) for p in clinic_patient_ids if p}
    if (not patients and not clinic_patients) or _quiet.get():
        return 0
    now = now or utcnow()
    who = _acting_as(actor)
    recent = session.exec(
        select(AuditEvent.patient_id, AuditEvent.clinic_patient_id).where(
            AuditEvent.actor_id == who.actor_id,
            AuditEvent.action == "viewed",
            AuditEvent.subject == subject,
            AuditEvent.at >= now - VIEW_WINDOW,
            or_(col(AuditEvent.patient_id).in_(patients or [0]), col(AuditEvent.clinic_patient_id).in_(clinic_patients or [0])),
        )
    ).all()
    patients -= {p for p, _ in recent if p}
    clinic_patients -= {c for _, c in recent if c}
    rows = [_row(who, now, "viewed", subject, patient_id=p) for p in sorted(patients)]
    rows += [_row(who, now, "viewed", subject, clinic_patient_id=c, organisation_id=organisation_id) for c in sorted(clinic_patients)]
    if rows:
        session.execute(insert(AuditEvent), rows)
    return len(rows)


# --- the change listener ---------------------------------------------------------------------------

# table -> (subject, the columns whose change is a change of that subject; None: any column)
AUDITED: dict[str, tuple[str, frozenset[str] | None]] = {
    "mood_entries": ("wellbeing entry", None),
    "mood_entry_feelings": ("wellbeing entry", None),
    "entry_replies": ("reply", None),
    "risk_alerts": ("alert", None),
    "questionnaire_responses": ("questionnaire", None),
    "appointments": ("appointment", None),
    "clinic_patients": ("contact details", frozenset({"full_name", "phone", "email", "date_of_birth", "user_id"})),
    "users": ("contact details", frozenset({"full_name", "email", "phone"})),
    "patient_profiles": (
        "contact details",
        frozenset({"emergency_contact_name", "emergency_contact_phone", "psychiatrist_id", "requires_assistance"}),
    ),
}
# Bookkeeping columns: their change alone is not a change anyone made to the record.
_QUIET = frozenset({"updated_at", "created_at", "version", "status_changed_at"})


def _changed_columns(obj: Any) -> list[str]:
    state = sa_inspect(obj)
    return sorted(a.key for a in state.mapper.column_attrs if state.attrs[a.key].history.has_changes())


def _subject_ids(session: OrmSession, table: str, obj: Any, entry_patients: dict[int, int]) -> dict[str, Any]:
    if table in ("mood_entries",):
        return {"record_id": obj.id, "patient_id": obj.patient_id}
    if table in ("mood_entry_feelings", "entry_replies"):
        entry_id = obj.entry_id
        if entry_id not in entry_patients:
            # A save flushes the entry with its feelings: it is in the session already, no query.
            entry = session.get(MoodEntry, entry_id)
            entry_patients[entry_id] = entry.patient_id if entry is not None else None
        return {"record_id": entry_id if table == "mood_entry_feelings" else obj.id, "patient_id": entry_patients[entry_id]}
    if table in ("risk_alerts", "questionnaire_responses"):
        return {"record_id": obj.id, "patient_id": obj.patient_id}
    if table == "appointments":
        return {"record_id": obj.id, "clinic_patient_id": obj.patient_id, "organisation_id": obj.organisation_id}
    if table == "clinic_patients":
        return {"record_id": obj.id, "clinic_patient_id": obj.id, "organisation_id": obj.organisation_id}
    if table == "users":
        return {"record_id": obj.id, "patient_id": obj.id if obj.role == "patient" else None, "organisation_id": obj.organisation_id}
    if table == "patient_profiles":
        return {"record_id": obj.user_id, "patient_id": obj.user_id}
    return {"record_id": getattr(obj, "id", None)}


def _after_flush(session: OrmSession, _context: Any) -> None:
    if _quiet.get():
        return
    who, now = current(), utcnow()
    rows: dict[tuple, dict[str, Any]] = {}
    entry_patients: dict[int, int] = {}
    with session.no_autoflush:
        for action, objects in (("created", session.new), ("changed", session.dirty), ("deleted", session.deleted)):
            for obj in objects:
                table = getattr(obj, "__tablename__", "")
                if table not in AUDITED:
                    continue
                subject, watched = AUDITED[table]
                if action == "deleted" and table in ("users", "patient_profiles"):
                    continue  # an erasure: the account service records it, once
                detail = ""
                if action == "changed":
                    changed = [c for c in _changed_columns(obj) if c not in _QUIET]
                    if watched is not None:
                        changed = [c for c in changed if c in watched]
                    if not changed:
                        continue
                    detail = ", ".join(changed)
                elif action == "created" and watched is not None and table != "clinic_patients":
                    continue  # a new account or profile is not a change of anyone's record yet
                if table == "mood_entry_feelings":
                    action, detail = "changed", "feelings"
                ids = _subject_ids(session, table, obj, entry_patients)
                key = (action, subject, ids.get("record_id"), table == "mood_entry_feelings")
                if key in rows and rows[key]["detail"] and detail and detail not in rows[key]["detail"]:
                    rows[key]["detail"] = f"{rows[key]['detail']}, {detail}"[:200]
                rows.setdefault(key, _row(who, now, action, subject, detail=detail, **ids))
    if rows:
        session.connection().execute(insert(AuditEvent), list(rows.values()))


event.listen(OrmSession, "after_flush", _after_flush)


# --- reading the log --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    subject: str
    patient: str
    record_id: int | None
    detail: str
    origin: str


def _period(first: object, last: object) -> tuple[datetime | None, datetime | None]:
    def day(raw: object) -> date | None:
        if raw in (None, ""):
            return None
        try:
            value = date.fromisoformat(str(raw))
        except ValueError:
            raise AuditError(f"{str(raw)[:20]!r} is not a date (year-month-day).") from None
        if not 1900 <= value.year <= 2999:
            raise AuditError("Please choose dates between the years 1900 and 2999.")
        return value

    start, end = day(first), day(last)
    if start and end and end < start:
        raise AuditError("The last day is before the first day.")
    return (
        datetime.combine(start, time.min, tzinfo=timezone.utc) if start else None,
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc) if end else None,
    )


def _who(name: str | None, role: str, actor_id: int | None) -> str:
    if actor_id is None:
        return "MiWell" if role == "system" else "Someone signed out"
    return name or f"Erased account #{actor_id}"


def _query(session: Session, actor: Any, patient: str = "", person: str = "", first: object = "", last: object = ""):
    if actor is None or actor.role not in ("admin", "patient"):
        raise AuditError("Only admins, and patients for their own record, can read the audit log.")
    start, end = _period(first, last)
    Actor, Patient = aliased(User), aliased(User)
    query = (
        select(AuditEvent, Actor.full_name, Patient.full_name, ClinicPatient.full_name)
        .outerjoin(Actor, Actor.id == AuditEvent.actor_id)
        .outerjoin(Patient, Patient.id == AuditEvent.patient_id)
        .outerjoin(ClinicPatient, ClinicPatient.id == AuditEvent.clinic_patient_id)
    )
    if actor.role == "patient":
        # Their own account, and the clinic records linked to it.
        own_records = select(ClinicPatient.id).where(ClinicPatient.user_id == actor.id)
        query = query.where(or_(AuditEvent.patient_id == actor.id, col(AuditEvent.clinic_patient_id).in_(own_records)))
        # What others did: their own steps and MiWell's automatic ones would bury it.
        query = query.where(AuditEvent.actor_id.is_not(None), AuditEvent.actor_id != actor.id)
    else:
        query = query.where(*_matching(patient, Patient, ClinicPatient, AuditEvent.patient_id, AuditEvent.clinic_patient_id))
    if person.strip():
        query = query.where(*_matching(person, Actor, None, AuditEvent.actor_id, None))
    if start:
        query = query.where(AuditEvent.at >= start)
    if end:
        query = query.where(AuditEvent.at < end)
    return query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())


def _matching(text: str, account, clinic_record, account_column, record_column) -> list:
    """A person by id (#12 or 12), or by a part of their name or email address."""
    text = (text or "").strip()[:120]
    if not text:
        return []
    number = text.lstrip("#")
    if number.isdigit() and len(number) < 10:
        ident = int(number)
        return [or_(account_column == ident, record_column == ident) if record_column is not None else account_column == ident]
    like = f"%{text.lower()}%"
    found = or_(func.lower(account.full_name).like(like), func.lower(account.email).like(like))
    if clinic_record is not None:
        found = or_(found, func.lower(clinic_record.full_name).like(like))
    return [and_(found)]


def _views(rows) -> list[EventView]:
    out = []
    for e, actor_name, patient_name, record_name in rows:
        concerned = patient_name or record_name or ""
        if not concerned and (e.patient_id or e.clinic_patient_id):
            concerned = f"Erased record #{e.patient_id or e.clinic_patient_id}"
        out.append(
            EventView(
                e.id, e.at if e.at.tzinfo else e.at.replace(tzinfo=timezone.utc), _who(actor_name, e.actor_role, e.actor_id),
                e.actor_role, e.action, e.subject, concerned, e.record_id, e.detail, e.origin,
            )
        )  # fmt: skip
    return out


def search(
    session: Session, actor: Any, patient: str = "", person: str = "", first: object = "", last: object = "", limit: int = SEARCH_LIMIT
) -> tuple[list[EventView], bool]:
    """The newest events matching the filters, and whether there are more than ``limit``."""
    rows = session.exec(_query(session, actor, patient, person, first, last).limit(limit + 1)).all()
    return _views(rows[:limit]), len(rows) > limit


CSV_COLUMNS = ["time_utc", "who", "role", "action", "what", "patient", "record", "fields", "from"]


def export_csv(session: Session, actor: Any, patient: str = "", person: str = "", first: object = "", last: object = "") -> str:
    """The matching events as CSV (UTC times), newest first; the export itself goes on record."""
    rows = _views(session.exec(_query(session, actor, patient, person, first, last).limit(EXPORT_LIMIT)).all())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in rows:
        cells = [e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.actor_role, e.action, e.subject, e.patient,
                 e.record_id or "", e.detail, e.origin]  # fmt: skip
        # A cell starting with = + - @ would be a formula in a spreadsheet.
        writer.writerow([f"'{c}" if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in cells])
    record(session, "exported", "audit log", actor, patient_id=actor.id if actor.role == "patient" else None, detail=f"{len(rows)} events")
    return out.getvalue()
