"""Crisis support for the acting patient: the lines of the clinics their account is linked to."""

from __future__ import annotations

from sqlmodel import Session, select

from miwell.accounts.services import CurrentUser
from miwell.scheduling.models import ClinicPatient
from miwell.scheduling.services.desk import lines_of
from miwell.wellbeing.core import crisis
from miwell.wellbeing.services.access import require_patient


def crisis_lines_for_patient(session: Session, actor: CurrentUser) -> list[crisis.CrisisLine]:
    """Two queries: the organisations of the patient's linked clinic records, then their lines;
    the deployment's defaults when there are none."""
    profile = require_patient(session, actor)
    organisations = session.exec(
        select(ClinicPatient.organisation_id).where(ClinicPatient.user_id == profile.user_id).distinct()
    ).all()
    return crisis.lines_for([lines_of(session, list(organisations))])
