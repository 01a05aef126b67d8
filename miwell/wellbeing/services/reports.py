"""Reports and the patient's own data: a period's mood report (PDF, CSV) and everything in one ZIP.

The report goes to the patient (their own) or their psychiatrist; the ZIP only to the patient
themself: the right of access and of portability.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from miwell.accounts.models import User
from miwell.accounts.services import CurrentUser
from miwell.audit import services as audit
from miwell.scheduling.models import Appointment, Clinic, ClinicPatient, Doctor, Organisation
from miwell.timeutil import utcnow
from miwell.wellbeing.core import questionnaires as q
from miwell.wellbeing.core import report as core
from miwell.wellbeing.core.moods import mood_by_score
from miwell.wellbeing.models import EntryReply, MoodEntry, MoodEntryVersion, QuestionnaireResponse
from miwell.wellbeing.services.access import WellbeingError, readable_patient, require_patient
from miwell.wellbeing.services.common import _feelings_of, local_today


def parse_period(first: object, last: object, today: date) -> tuple[date, date]:
    """A period as typed in two date boxes; empty boxes mean the last 30 days."""
    try:
        start = date.fromisoformat(str(first)) if first else today - timedelta(days=29)
        end = date.fromisoformat(str(last)) if last else today
    except ValueError:
        raise WellbeingError("Please give the period as two dates.") from None
    try:
        core.check_period(start, end)
    except ValueError as exc:
        raise WellbeingError(str(exc)) from None
    return start, end


def report(
    session: Session,
    actor: CurrentUser,
    patient_id: object,
    first: object = "",
    last: object = "",
    include_notes: bool = False,
    now: datetime | None = None,
) -> core.ReportData:
    """What the report shows, in four queries whatever the period."""
    profile = readable_patient(session, actor, patient_id)
    now = now or utcnow()
    start, end = parse_period(first, last, local_today(profile, now))
    user = session.get(User, profile.user_id)
    assert user is not None
    if actor.id != profile.user_id:
        audit.viewed(session, actor, "wellbeing report", [profile.user_id])
    rows = session.exec(
        select(MoodEntry)
        .where(MoodEntry.patient_id == profile.user_id, MoodEntry.day >= start - timedelta(days=6), MoodEntry.day <= end)
        .order_by(MoodEntry.day)
    ).all()
    feelings = _feelings_of(session, [r.id for r in rows if r.id is not None])
    entries = [
        core.ReportEntry(r.day, r.score, r.minutes, feelings.get(r.id, ()), r.note if include_notes else "")  # type: ignore[arg-type]
        for r in rows
    ]
    scores = session.exec(
        select(QuestionnaireResponse).where(
            QuestionnaireResponse.patient_id == profile.user_id,
            QuestionnaireResponse.completed_on >= start,  # type: ignore[operator]
            QuestionnaireResponse.completed_on <= end,  # type: ignore[operator]
        )
    ).all()
    return core.ReportData(
        patient=user.full_name,
        first=start,
        last=end,
        made_on=now,
        entries=[e for e in entries if e.day >= start],
        scores=[core.ReportScore(s.kind, s.completed_on, int(s.total or 0), s.band or "") for s in scores],  # type: ignore[arg-type]
        include_notes=include_notes,
        earlier=[e for e in entries if e.day < start],
    )


def report_filename(data: core.ReportData, extension: str) -> str:
    name = "".join(ch if ch.isalnum() else "-" for ch in data.patient.lower()).strip("-") or "patient"
    return f"miwell-report-{name}-{data.first.isoformat()}-to-{data.last.isoformat()}.{extension}"


# --- all of a patient's own data ----------------------------------------------------------------


def _csv(rows: list[dict[str, object]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def export_data(session: Session, actor: CurrentUser, now: datetime | None = None) -> dict[str, list[dict[str, object]]]:
    """Everything MiWell keeps that the patient wrote or that was written to them: six queries."""
    profile = require_patient(session, actor)
    user = session.get(User, profile.user_id)
    assert user is not None
    entries = session.exec(select(MoodEntry).where(MoodEntry.patient_id == profile.user_id).order_by(MoodEntry.day)).all()
    ids = [e.id for e in entries if e.id is not None]
    feelings = _feelings_of(session, ids)
    days = {e.id: e.day for e in entries}
    versions = session.exec(
        select(MoodEntryVersion).where(MoodEntryVersion.entry_id.in_(ids)).order_by(MoodEntryVersion.replaced_at)  # type: ignore[attr-defined]
    ).all() if ids else []
    replies = session.exec(
        select(EntryReply, User.full_name)
        .join(User, User.id == EntryReply.psychiatrist_id, isouter=True)
        .where(EntryReply.entry_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(EntryReply.created_at)
    ).all() if ids else []
    answers = session.exec(
        select(QuestionnaireResponse).where(QuestionnaireResponse.patient_id == profile.user_id).order_by(QuestionnaireResponse.started_at)
    ).all()
    appointments = session.exec(
        select(Appointment, Doctor.full_name, Clinic.name, Organisation.name)
        .join(ClinicPatient, ClinicPatient.id == Appointment.patient_id)
        .join(Doctor, Doctor.id == Appointment.doctor_id)
        .join(Clinic, Clinic.id == Appointment.clinic_id)
        .join(Organisation, Organisation.id == Appointment.organisation_id)
        .where(ClinicPatient.user_id == profile.user_id)
        .order_by(Appointment.starts_at)
    ).all()
    return {
        "account": [{
            "name": user.full_name, "email": user.email, "phone": user.phone or "", "time_zone": profile.timezone,
            "emergency_contact_name": profile.emergency_contact_name,
            "emergency_contact_phone": profile.emergency_contact_phone, "exported_at": _iso(now or utcnow()),
        }],  # fmt: skip
        "entries": [
            {
                "day": _iso(e.day), "mood_score": e.score, "mood": mood_by_score(e.score).label, "note": e.note,
                "mindfulness_minutes": e.minutes, "feelings": ";".join(feelings.get(e.id, ())),  # type: ignore[arg-type]
                "screener_wished_dead": _yes_no(e.screener_wish_dead), "screener_thoughts_of_suicide": _yes_no(e.screener_thoughts),
                "created_at": _iso(e.created_at), "updated_at": _iso(e.updated_at),
            }  # fmt: skip
            for e in entries
        ],
        "entry_versions": [
            {"entry_day": _iso(days.get(v.entry_id)), "mood_score": v.score, "note": v.note, "mindfulness_minutes": v.minutes,
             "feelings": v.feelings.replace(",", ";"), "saved_at": _iso(v.saved_at), "replaced_at": _iso(v.replaced_at)}  # fmt: skip
            for v in versions
        ],
        "replies": [
            {"entry_day": _iso(days.get(r.entry_id)), "from": name or "(a former psychiatrist)", "reply": r.body,
             "created_at": _iso(r.created_at), "updated_at": _iso(r.updated_at)}  # fmt: skip
            for r, name in replies
        ],
        "questionnaires": [
            {"questionnaire": q.TITLES[a.kind], "answers": a.answers.replace(",", ";"), "total": a.total if a.total is not None else "",
             "band": a.band or "", "started_at": _iso(a.started_at), "completed_at": _iso(a.completed_at) or ""}  # fmt: skip
            for a in answers
        ],
        "appointments": [
            {"starts_at_clinic_time": _iso(a.starts_at), "ends_at_clinic_time": _iso(a.ends_at), "doctor": doctor,
             "clinic": clinic, "organisation": organisation, "status": a.status}  # fmt: skip
            for a, doctor, clinic, organisation in appointments
        ],
    }


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


_README = """Your MiWell data, exported on {when}.

One CSV file per kind of record (open them in any spreadsheet), and all of them together in
data.json for moving to another service. Times are UTC unless the column says clinic time.

account.csv         your account details
entries.csv         your daily entries, with the answers to the two follow-up questions
entry_versions.csv  earlier versions of entries you changed
replies.csv         your psychiatrist's replies
questionnaires.csv  PHQ-9 and GAD-7 answers (0-3 per question, in order) and scores
appointments.csv    appointments at clinics linked to your account
"""


def export_zip(session: Session, actor: CurrentUser, now: datetime | None = None) -> bytes:
    now = now or utcnow()
    data = export_data(session, actor, now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _README.format(when=now.strftime("%-d %B %Y %H:%M UTC")))
        for name, rows in data.items():
            columns = list(rows[0]) if rows else _COLUMNS[name]
            archive.writestr(f"{name}.csv", _csv(rows, columns))
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
    return buffer.getvalue()


_COLUMNS = {
    "account": ["name", "email"],
    "entries": ["day", "mood_score", "mood", "note", "mindfulness_minutes", "feelings"],
    "entry_versions": ["entry_day", "mood_score", "note", "mindfulness_minutes", "feelings", "saved_at", "replaced_at"],
    "replies": ["entry_day", "from", "reply", "created_at", "updated_at"],
    "questionnaires": ["questionnaire", "answers", "total", "band", "started_at", "completed_at"],
    "appointments": ["starts_at_clinic_time", "ends_at_clinic_time", "doctor", "clinic", "organisation", "status"],
}
