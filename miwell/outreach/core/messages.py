"""The words of every email. Each says there is something to see and links to the page; none
carries a note, a mood, a score, a diagnosis or a questionnaire answer (tested)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

SIGN_OFF = "\n\nMiWell\n(You can change which emails you get on your account page.)"
SAFETY_SIGN_OFF = "\n\nMiWell\n(Safety emails go to clinicians and cannot be turned off.)"


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def alert_email(base_url: str, minutes: int) -> Mail:
    return Mail(
        "MiWell: an urgent alert is waiting for you",
        f"One of your patients has an urgent alert that has not been acknowledged for {minutes} minutes.\n\n"
        f"Please sign in to see it and its contact details:\n{base_url}/psychiatrist" + SAFETY_SIGN_OFF,
    )


def escalation_email(base_url: str, alert_id: int, psychiatrist: str, organisation: str, minutes: int) -> Mail:
    where = f" at {organisation}" if organisation else ""
    return Mail(
        f"MiWell: urgent alert #{alert_id} not seen for {minutes} minutes",
        f"An urgent alert (#{alert_id}) for a patient of {psychiatrist}{where} has not been acknowledged "
        f"for {minutes} minutes. You are one of the safety contacts who hear of this.\n\n"
        f"Please sign in to MiWell or reach {psychiatrist}:\n{base_url}/" + SAFETY_SIGN_OFF,
    )


def reminder_email(base_url: str, first_name: str) -> Mail:
    return Mail(
        "How are you today?",
        f"Hello {first_name},\n\nA few seconds for today's check-in, whenever you are ready:\n{base_url}/patient" + SIGN_OFF,
    )


def nudge_email(base_url: str, first_name: str) -> Mail:
    return Mail(
        "Thinking of you",
        f"Hello {first_name},\n\nWe have not heard from you for a couple of days. No pressure: one tap on a face "
        f"is enough, and your psychiatrist is there if things are hard.\n{base_url}/patient" + SIGN_OFF,
    )


def digest_email(base_url: str, day: date, missing: int) -> Mail:
    plural = "patient has" if missing == 1 else "patients have"
    return Mail(
        f"MiWell: {missing} {plural} not checked in for 3 days or more",
        f"Good morning. On {day.strftime('%a %-d %b')}, {missing} of your {plural.split()[0]} "
        f"not logged for 3 days or more. Their names are on your dashboard after you sign in:\n"
        f"{base_url}/psychiatrist" + SIGN_OFF,
    )


def appointment_email(base_url: str, first_name: str, when: datetime, clinic: str, hours: int) -> Mail:
    soon = "in two hours" if hours <= 2 else "in two days"
    return Mail(
        f"Reminder: your appointment {when.strftime('%a %-d %b at %H:%M')}",
        f"Hello {first_name},\n\nThis is a reminder of your appointment {soon}: {when.strftime('%A %-d %B, %H:%M')} "
        f"at {clinic}. The calendar file is attached.\n\nIf you cannot come, please tell the clinic.\n{base_url}/patient" + SIGN_OFF,
    )


def first_name(full_name: str) -> str:
    return (full_name or "").split(" ")[0] or "there"


def waitlist_offer_email(base_url: str, first_name: str, when: datetime, clinic: str, until: datetime) -> Mail:
    return Mail(
        f"An appointment is free for you: {when.strftime('%a %-d %b at %H:%M')}",
        f"Hello {first_name},\n\nAn appointment has come free at {clinic}: {when.strftime('%A %-d %B, %H:%M')}. "
        f"It is held for you until {until.strftime('%H:%M')}. Sign in to take it or to let it go:\n{base_url}/patient"
        + SIGN_OFF,
    )
