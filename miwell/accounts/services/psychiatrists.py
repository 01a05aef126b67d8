"""Psychiatrists: who may take patients, hand-overs, vetting (approval, suspension), invitations, intake."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from miwell import push
from miwell.accounts.core import rules
from miwell.accounts.core.passwords import (
    new_token,
    token_hash,
)
from miwell.accounts.core.rules import Role, Standing
from miwell.accounts.models import (
    PatientAssignment,
    PatientProfile,
    PsychiatristInvitation,
    PsychiatristProfile,
    PsychiatristStandingChange,
    TwoFactor,
    User,
)
from miwell.accounts.services.base import (
    APPROVED,
    NO_ACCESS,
    AccountError,
    CurrentUser,
    PermissionDenied,
    _day,
    email_taken,
    require_role,
)
from miwell.accounts.services.sessions import (
    end_all_sessions,
)
from miwell.ids import is_id
from miwell.settings import get_settings
from miwell.timeutil import utcnow
from miwell.wellbeing.models import RiskAlert


def psychiatrist_loads(session: Session) -> list[rules.PsychiatristLoad]:
    """Every approved psychiatrist with their patient count and intake settings, in one grouped query."""
    rows = session.exec(
        select(
            User.id,
            User.created_at,
            PsychiatristProfile.accepts_new_patients,
            PsychiatristProfile.caseload_cap,
            func.count(PatientProfile.user_id),
        )
        .join(PsychiatristProfile, PsychiatristProfile.user_id == User.id)
        .outerjoin(PatientProfile, PatientProfile.psychiatrist_id == User.id)
        .where(User.role == Role.PSYCHIATRIST.value, PsychiatristProfile.standing == APPROVED)
        .group_by(User.id, User.created_at, PsychiatristProfile.accepts_new_patients, PsychiatristProfile.caseload_cap)
    ).all()
    return [
        rules.PsychiatristLoad(uid, count, created, bool(accepting), cap)
        for uid, created, accepting, cap, count in rows
    ]


def _record_assignment(
    session: Session, patient_id: int, from_id: int | None, to_id: int, reason: str, actor_id: int | None, now: datetime
) -> None:
    session.add(
        PatientAssignment(
            patient_id=patient_id,
            from_psychiatrist_id=from_id,
            to_psychiatrist_id=to_id,
            reason=reason[:200],
            changed_by=actor_id,
            changed_at=now,
        )
    )



# --- invitations ---------------------------------------------------------------------------

INVITATION_DAYS = 7
BAD_INVITATION = (
    "This invitation link does not work: it may have been used already, replaced by a newer one, "
    "mistyped, or it has expired. Ask the admin who invited you for a new link."
)


def _invitation_hash(token: str) -> str:
    return token_hash(token, get_settings().secret_key)


def _open_invitation(session: Session, token: str, now: datetime) -> PsychiatristInvitation:
    """The unused, unexpired invitation a link names; one message for every way it can fail."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise AccountError(BAD_INVITATION)
    invitation = session.exec(
        select(PsychiatristInvitation).where(PsychiatristInvitation.token_hash == _invitation_hash(token))
    ).first()
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
        raise AccountError(BAD_INVITATION)
    return invitation


@dataclass(frozen=True)
class InvitationView:
    id: int
    email: str
    full_name: str
    created: str
    expires: str
    used: bool
    expired: bool


def invitation_for(session: Session, token: str, now: datetime | None = None) -> InvitationView:
    """What the invitation page shows before the psychiatrist fills in the rest."""
    inv = _open_invitation(session, token, now or utcnow())
    assert inv.id is not None
    return InvitationView(inv.id, inv.email, inv.full_name, _day(inv.created_at), _day(inv.expires_at), False, False)



def invite_psychiatrist(
    session: Session, actor: CurrentUser, email: str, full_name: str = "", now: datetime | None = None
) -> str:
    """Create (or replace) the invitation for ``email`` and return the raw token, shown once."""
    require_role(actor, Role.ADMIN.value)
    now = now or utcnow()
    clean_email = rules.validate_email(email)
    name = rules.validate_name(full_name, "psychiatrist's name") if (full_name or "").strip() else ""
    if email_taken(session, clean_email):
        raise AccountError("An account with this email address already exists, so no invitation is needed.")
    token = new_token()
    invitation = session.exec(select(PsychiatristInvitation).where(PsychiatristInvitation.email == clean_email)).first()
    if invitation is None:
        invitation = PsychiatristInvitation(email=clean_email, token_hash="", expires_at=now)
    invitation.full_name = name
    invitation.token_hash = _invitation_hash(token)
    invitation.created_by = actor.id
    invitation.created_at = now
    invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
    invitation.used_at = None
    session.add(invitation)
    session.flush()
    return token


def list_invitations(session: Session, actor: CurrentUser, now: datetime | None = None) -> list[InvitationView]:
    require_role(actor, Role.ADMIN.value)
    now = now or utcnow()
    rows = session.exec(select(PsychiatristInvitation).order_by(PsychiatristInvitation.created_at.desc())).all()
    return [
        InvitationView(r.id, r.email, r.full_name, _day(r.created_at), _day(r.expires_at), r.used_at is not None, r.expires_at <= now)  # type: ignore[arg-type]
        for r in rows
    ]


def withdraw_invitation(session: Session, actor: CurrentUser, invitation_id: object) -> None:
    require_role(actor, Role.ADMIN.value)
    row = session.get(PsychiatristInvitation, invitation_id) if is_id(invitation_id) else None
    if row is None:
        raise AccountError("That invitation no longer exists.")
    session.delete(row)
    session.flush()



def _approved_psychiatrist(session: Session, user_id: object) -> User | None:
    if not is_id(user_id):
        return None
    row = session.exec(
        select(User)
        .join(PsychiatristProfile, PsychiatristProfile.user_id == User.id)
        .where(User.id == user_id, PsychiatristProfile.standing == APPROVED)
    ).first()
    return row


def hand_over_patients(
    session: Session,
    psychiatrist_id: int,
    *,
    to_id: int | None = None,
    actor_id: int | None = None,
    reason: str = "Hand-over",
    now: datetime | None = None,
) -> dict[int, int]:
    """Give every patient of ``psychiatrist_id`` to ``to_id``, or each to the least loaded who can take them.

    Open alerts go with the patients: an alert is always shown to the patient's current
    psychiatrist. Each move is recorded. Returns ``{patient_id: new_psychiatrist_id}``.
    """
    now = now or utcnow()
    patient_ids = list(
        session.exec(
            select(PatientProfile.user_id)
            .where(PatientProfile.psychiatrist_id == psychiatrist_id)
            .order_by(PatientProfile.user_id)
        ).all()
    )
    if not patient_ids:
        return {}
    if to_id is not None:
        if to_id == psychiatrist_id or _approved_psychiatrist(session, to_id) is None:
            raise AccountError("Choose another approved psychiatrist to take the patients.")
        plan = {patient_id: to_id for patient_id in patient_ids}
    else:
        others = [load for load in psychiatrist_loads(session) if load.user_id != psychiatrist_id]
        try:
            plan = rules.plan_handover(patient_ids, others)
        except ValueError as exc:
            raise AccountError(str(exc)) from None
    by_target: dict[int, list[int]] = defaultdict(list)
    for patient_id, new_id in plan.items():
        by_target[new_id].append(patient_id)
    # One UPDATE per receiving psychiatrist, not one per patient.
    for new_id, ids in by_target.items():
        session.exec(
            update(PatientProfile)
            .where(col(PatientProfile.user_id).in_(ids))
            .values(psychiatrist_id=new_id)
            .execution_options(synchronize_session="fetch")
        )
    for patient_id, new_id in plan.items():
        _record_assignment(session, patient_id, psychiatrist_id, new_id, reason, actor_id, now)
    session.flush()
    # Both sides' pages change: the patients (and their open alerts) leave one and reach the other.
    push.publish_after_commit(session, *(push.psychiatrist_topic(p) for p in {psychiatrist_id, *by_target}))
    return plan


# --- psychiatrists: standing and intake ---------------------------------------------------------


@dataclass(frozen=True)
class PsychiatristAdminRow:
    id: int
    full_name: str
    email: str
    phone: str
    registration_number: str
    standing: str
    reason: str
    changed: str
    registered: str
    patients: int
    accepting: bool
    cap: int | None


def list_psychiatrists(session: Session, actor: CurrentUser) -> list[PsychiatristAdminRow]:
    """Every psychiatrist account for the admins, pending first; one grouped query."""
    require_role(actor, Role.ADMIN.value)
    pending_first = case((PsychiatristProfile.standing == Standing.PENDING.value, 0), else_=1)
    rows = session.exec(
        select(User, PsychiatristProfile, func.count(PatientProfile.user_id))
        .join(PsychiatristProfile, PsychiatristProfile.user_id == User.id)
        .outerjoin(PatientProfile, PatientProfile.psychiatrist_id == User.id)
        .group_by(User.id, PsychiatristProfile.user_id)
        .order_by(pending_first, User.created_at, User.id)
    ).all()
    return [
        PsychiatristAdminRow(
            u.id,  # type: ignore[arg-type]
            u.full_name,
            u.email,
            rules.display_phone(u.phone),
            p.registration_number,
            p.standing,
            p.standing_reason,
            _day(p.standing_changed_at) if p.standing_changed_at else "",
            u.created_at.strftime("%d %b %Y"),
            int(n),
            p.accepts_new_patients,
            p.caseload_cap,
        )
        for u, p, n in rows
    ]


@dataclass(frozen=True)
class StandingResult:
    name: str
    standing: str
    patients_handed_over: int
    alerts_handed_over: int


def change_standing(
    session: Session,
    actor: CurrentUser,
    psychiatrist_id: object,
    new_standing: str,
    reason: str,
    *,
    hand_over_to: int | None = None,
    now: datetime | None = None,
) -> StandingResult:
    """Approve, reject, suspend or reinstate a psychiatrist, recorded with who, when and why.

    Suspending ends the psychiatrist's sessions and hands their patients (and with them their
    open alerts) to ``hand_over_to`` or to the least loaded, all in the caller's transaction.
    """
    require_role(actor, Role.ADMIN.value)
    now = now or utcnow()
    user = session.get(User, psychiatrist_id) if is_id(psychiatrist_id) else None
    profile = session.get(PsychiatristProfile, psychiatrist_id) if user is not None else None
    if user is None or profile is None:
        raise AccountError("That psychiatrist account no longer exists; it may have been deleted. Nothing was changed.")
    try:
        rules.check_standing_change(profile.standing, new_standing)
        clean_reason = rules.validate_reason(reason, "why")
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    handed, alerts = 0, 0
    if new_standing == Standing.SUSPENDED.value:
        alerts = int(
            session.exec(
                select(func.count(RiskAlert.id))
                .join(PatientProfile, PatientProfile.user_id == RiskAlert.patient_id)
                .where(PatientProfile.psychiatrist_id == user.id, RiskAlert.acknowledged_at.is_(None))
            ).one()
        )
        plan = hand_over_patients(
            session, user.id, to_id=hand_over_to, actor_id=actor.id,  # type: ignore[arg-type]
            reason=f"Their psychiatrist was suspended: {clean_reason}", now=now,
        )
        handed = len(plan)
        end_all_sessions(session, user.id)  # type: ignore[arg-type]
    elif (
        new_standing == Standing.APPROVED.value
        and not user.two_factor_exempt
        and session.get(TwoFactor, user.id) is None
    ):
        # Their sessions began when two-step sign-in was not asked of them (nobody's records were
        # open to them): approved, they set it up before patients' records open.
        end_all_sessions(session, user.id)  # type: ignore[arg-type]
    session.add(
        PsychiatristStandingChange(
            psychiatrist_id=user.id,
            from_standing=profile.standing,
            to_standing=new_standing,
            reason=clean_reason,
            changed_by=actor.id,
            changed_by_name=actor.full_name,
            changed_at=now,
            patients_handed_over=handed,
        )
    )
    profile.standing = new_standing
    profile.standing_reason = clean_reason
    profile.standing_changed_at = now
    session.add(profile)
    push.publish_after_commit(session, push.user_topic(user.id))  # their open status page shows it
    session.flush()
    return StandingResult(user.full_name, new_standing, handed, alerts if handed else 0)


@dataclass(frozen=True)
class StandingView:
    standing: str
    reason: str
    changed: str
    registration_number: str


def own_standing(session: Session, actor: CurrentUser) -> StandingView:
    """A psychiatrist's own standing, whatever it is: the one thing a pending account may read."""
    if actor is None or actor.role != Role.PSYCHIATRIST.value:
        raise PermissionDenied(NO_ACCESS)
    profile = session.get(PsychiatristProfile, actor.id)
    if profile is None:
        raise PermissionDenied("Your account no longer exists.")
    changed = _day(profile.standing_changed_at) if profile.standing_changed_at else ""
    return StandingView(profile.standing, profile.standing_reason, changed, profile.registration_number)


@dataclass(frozen=True)
class IntakeView:
    accepting: bool
    cap: int | None
    patients: int


def intake(session: Session, actor: CurrentUser) -> IntakeView:
    require_role(actor, Role.PSYCHIATRIST.value)
    profile = session.get(PsychiatristProfile, actor.id)
    assert profile is not None
    count = session.exec(select(func.count(PatientProfile.user_id)).where(PatientProfile.psychiatrist_id == actor.id)).one()
    return IntakeView(profile.accepts_new_patients, profile.caseload_cap, int(count))


def update_intake(session: Session, actor: CurrentUser, accepting: object, cap: object) -> IntakeView:
    """The psychiatrist's own "taking new patients" switch and optional cap; patients they have stay."""
    require_role(actor, Role.PSYCHIATRIST.value)
    profile = session.get(PsychiatristProfile, actor.id)
    assert profile is not None
    try:
        profile.caseload_cap = rules.validate_caseload_cap(cap)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    profile.accepts_new_patients = accepting is True or accepting in ("on", "true", "1")
    session.add(profile)
    session.flush()
    return intake(session, actor)
