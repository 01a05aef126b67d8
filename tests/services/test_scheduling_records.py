"""Organisations, clinics, staff, doctors, patients and clients, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from miwell.accounts import services as accounts
from miwell.accounts.models import User
from miwell.accounts.services import AccountError, CurrentUser, PermissionDenied
from miwell.db import session_scope
from miwell.scheduling import services as service
from miwell.scheduling.services import links
from miwell.scheduling.core.colours import PALETTE
from miwell.scheduling.models import Client, ClinicPatient, Doctor
from miwell.scheduling.services import NotFound, SchedulingError
from tests.factories import PASSWORD, as_current, make_user
from tests.services.scheduling_helpers import NOW, TODAY, accept_links, at, make_org


def test_each_role_reaches_only_its_own_services(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        psychiatrist = as_current(make_user(s, "psychiatrist"))
        patient = as_current(make_user(s, "patient"))
        for outsider in (a.admin, psychiatrist, patient, None):
            with pytest.raises(PermissionDenied):
                service.list_doctors(s, outsider)
        for outsider in (a.staff, psychiatrist, patient):
            with pytest.raises(PermissionDenied):
                service.list_organisations(s, outsider)
            with pytest.raises(PermissionDenied):
                service.create_clinic(s, outsider, a.id, "Side", "2 Low Road", "Europe/London")
        detached = CurrentUser(a.staff.id, "staff", "Sam", "sam@example.org", None)
        with pytest.raises(PermissionDenied, match="not attached to an organisation"):
            service.list_patients(s, detached)


def test_staff_must_belong_to_an_organisation_in_the_database_too(engine):
    with pytest.raises(IntegrityError):
        with session_scope(engine) as s:
            s.add(User(email="desk@example.org", password_hash="x", role="staff", full_name="D", phone="+442079460000"))
            s.flush()


def test_organisations_are_unique_and_only_empty_ones_are_deleted(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        empty = service.create_organisation(s, a.admin, "  Beta   Care ")
        assert empty.name == "Beta Care"
        with pytest.raises(SchedulingError, match="already exists"):
            service.create_organisation(s, a.admin, "beta care")
        with pytest.raises(SchedulingError, match="already exists"):
            service.rename_organisation(s, a.admin, a.id, "BETA CARE")
        with pytest.raises(SchedulingError, match="organisation's name"):
            service.create_organisation(s, a.admin, "  ")
        rows = {r.name: r for r in service.list_organisations(s, a.admin)}
        assert (rows["Alpha"].clinics, rows["Alpha"].staff, rows["Alpha"].doctors) == (1, 1, 1)
        with pytest.raises(SchedulingError) as refused:
            service.delete_organisation(s, a.admin, a.id)
        assert "1 clinic, 1 staff account, 1 doctor, 1 patient and 1 client" in str(refused.value)
        assert service.delete_organisation(s, a.admin, empty.id) == "Beta Care"
        assert [r.name for r in service.list_organisations(s, a.admin)] == ["Alpha"]
        with pytest.raises(NotFound):
            service.delete_organisation(s, a.admin, 987654)


def test_clinic_fields_are_validated(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        for name, address, tz, message in (
            ("", "1 Road", "Europe/London", "clinic's name"),
            ("North", "   ", "Europe/London", "address"),
            ("North", "1 Road", "Mars/Olympus", "time zone"),
            ("north", "1 Road", "", "time zone"),
            ("alpha clinic", "1 Road", "Europe/London", "already has a clinic called"),
        ):
            with pytest.raises(SchedulingError, match=message):
                service.create_clinic(s, a.admin, a.id, name, address, tz)
        north = service.create_clinic(s, a.admin, a.id, "North", " 3  Moor Lane ", "Europe/Dublin")
        assert (north.address, north.timezone) == ("3 Moor Lane", "Europe/Dublin")
        service.update_clinic(s, a.admin, north.id, "North Wing", "3 Moor Lane", "Europe/London")
        assert [c.name for c in service.list_clinics(s, a.staff)] == ["Alpha Clinic", "North Wing"]
        assert [c.name for c in service.list_clinics(s, a.admin, a.id)] == ["Alpha Clinic", "North Wing"]


def test_a_clinic_with_agendas_or_appointments_is_not_deleted(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        service.book(s, a.staff, a.doctor_id, at(TODAY, 9), a.patient_id, a.client_id, now=NOW)
        with pytest.raises(SchedulingError, match="still has 1 agenda and 1 appointment"):
            service.delete_clinic(s, a.admin, a.clinic_id)
        spare = service.create_clinic(s, a.admin, a.id, "Spare", "9 Side Street", "Europe/London")
        assert service.delete_clinic(s, a.admin, spare.id) == "Spare"


def test_admin_creates_staff_accounts_for_an_organisation(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        b = make_org(s, "Beta", admin=a.admin)
        made = service.create_staff(
            s, a.admin, b.id, full_name="Kim Desk", email="Kim@Example.org", phone="020 7946 0999", password=PASSWORD
        )
        assert (made.organisation_id, made.email, made.phone) == (b.id, "kim@example.org", "+442079460999")
        assert [r.email for r in service.list_staff(s, a.admin, b.id)] == sorted(
            ["kim@example.org", s.get(User, b.staff.id).email]
        )
        with pytest.raises(AccountError, match="already exists"):
            service.create_staff(s, a.admin, a.id, full_name="Kim", email="kim@example.org", phone="020 7946 0998", password=PASSWORD)
        with pytest.raises(PermissionDenied):
            service.create_staff(s, a.staff, a.id, full_name="Eve", email="eve@example.org", phone="020 7946 0997", password=PASSWORD)


def test_new_doctors_get_the_first_unused_palette_colour(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")  # its doctor took PALETTE[0]
        assert service.suggested_colour(s, a.staff) == PALETTE[1]
        chosen = service.create_doctor(s, a.staff, full_name="Dr Two", colour=PALETTE[3].upper())
        assert chosen.colour == PALETTE[3]
        defaulted = service.create_doctor(s, a.staff, full_name="Dr Three")
        assert defaulted.colour == PALETTE[1]
        with pytest.raises(SchedulingError, match="palette"):
            service.create_doctor(s, a.staff, full_name="Dr Four", colour="#123456")
        with pytest.raises(SchedulingError, match="doctor's name"):
            service.create_doctor(s, a.staff, full_name=" ")
        # Another organisation's colours do not count.
        b = make_org(s, "Beta", admin=a.admin)
        assert service.suggested_colour(s, b.staff) == PALETTE[1]


def test_doctor_links_to_a_psychiatrist_account_only_once_its_owner_accepts(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        doc = make_user(s, "psychiatrist", email="shah@example.org")
        pat = as_current(make_user(s, "patient", email="pat@example.org"))
        # The desk is told the same whether the address has an account, has a patient's, or none.
        for typed in ("pat@example.org", "nobody@example.org", " SHAH@example.org"):
            made = service.create_doctor(s, a.staff, full_name=f"Dr {typed.strip()}", psychiatrist_email=typed)
            assert made.user_id is None
        assert links.my_requests(s, pat) == []  # a patient is never asked to be a doctor record
        shah = as_current(doc)
        [request] = links.my_requests(s, shah)
        assert (request.organisation, request.record_name, request.kind) == ("Alpha", "Dr SHAH@example.org", "doctor")
        row = next(r for r in service.list_doctors(s, a.staff) if r.id == request_record(s, request.id))
        assert (row.account_email, row.link_email, row.link_status) == ("", "shah@example.org", "pending")
        assert links.answer(s, shah, request.id, True) == "Alpha"
        shah_record = s.get(Doctor, request_record(s, request.id))
        assert shah_record.user_id == doc.id
        with pytest.raises(PermissionDenied):
            links.answer(s, shah, request.id, True)  # answered already
        # A second record of the same organisation asking for the same account cannot be accepted.
        service.update_doctor(s, a.staff, a.doctor_id, full_name="Dr Alpha", psychiatrist_email="shah@example.org")
        [second] = links.my_requests(s, shah)
        with pytest.raises(SchedulingError, match="already linked to another record at Alpha"):
            links.answer(s, shah, second.id, True)
        shah_id = shah_record.id
    with session_scope(engine) as s:
        # The patient above went to Dr Shah; a colleague takes them over when the account is deleted.
        make_user(s, "psychiatrist")
        accounts.delete_account(s, as_current(doc), PASSWORD)
    with session_scope(engine) as s:
        kept = s.get(Doctor, shah_id)
        assert kept is not None and kept.user_id is None and kept.user_role is None


def request_record(s, request_id: int) -> int:
    from miwell.scheduling.models import AccountLinkRequest

    row = s.get(AccountLinkRequest, request_id)
    return row.doctor_id or row.clinic_patient_id


def test_patient_records_store_e164_and_link_only_with_consent(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        b = make_org(s, "Beta", admin=a.admin)
        make_user(s, "psychiatrist")
        account = make_user(s, "patient", email="robin@example.org")
        robin_user = as_current(account)
        for fields, message in (
            (dict(full_name=""), "patient's name"),
            (dict(full_name="Robin", phone="12345"), "phone"),
            (dict(full_name="Robin", email="robin@"), "valid email"),
            (dict(full_name="Robin", date_of_birth="31/12/1990"), "date of birth"),
            (dict(full_name="Robin", date_of_birth="2999-01-01"), "future"),
            (dict(full_name="Robin", date_of_birth="1899-12-31"), "between the years 1900"),
            (dict(full_name="Robin", date_of_birth="0001-01-01"), "between the years"),
            (dict(full_name="Robin", account_email="not-an-address"), "MiWell account"),
        ):
            with pytest.raises(ValueError, match=message):
                service.create_patient(s, a.staff, **fields)
        robin = service.create_patient(
            s, a.staff, full_name="Robin  Hale", phone="0113 496 0199", email="Robin@Example.org",
            date_of_birth="1990-12-31", account_email="robin@example.org",
        )  # fmt: skip
        assert (robin.phone, robin.email, robin.date_of_birth) == ("+441134960199", "robin@example.org", date(1990, 12, 31))
        assert robin.user_id is None  # nothing is linked on the desk's word alone
        row = next(r for r in service.list_patients(s, a.staff) if r.id == robin.id)
        assert (row.phone, row.account_email, row.link_email, row.link_status) == ("+44 113 496 0199", "", "robin@example.org", "pending")
        # Another organisation asking for the same person is a separate request.
        service.update_patient(s, b.staff, b.patient_id, full_name="R. Hale", account_email="robin@example.org")
        requests = {r.organisation: r for r in links.my_requests(s, robin_user)}
        assert set(requests) == {"Alpha", "Beta"}
        links.answer(s, robin_user, requests["Alpha"].id, True)
        links.answer(s, robin_user, requests["Beta"].id, False)
        assert s.get(ClinicPatient, robin.id).user_id == account.id
        assert s.get(ClinicPatient, b.patient_id).user_id is None
        declined = next(r for r in service.list_patients(s, b.staff) if r.id == b.patient_id)
        assert (declined.account_email, declined.link_status) == ("", "declined")
        # Staff of one organisation can never answer for the patient, nor see Alpha's request.
        for outsider in (a.staff, b.staff):
            with pytest.raises(PermissionDenied):
                links.my_requests(s, outsider)
        # Emptying the box unlinks at once: taking access away needs no consent.
        service.update_patient(s, a.staff, robin.id, full_name="Robin Hale", account_email="")
        assert s.get(ClinicPatient, robin.id).user_id is None
        service.update_patient(s, a.staff, robin.id, full_name="Robin Hale", account_email="robin@example.org")
        accept_links(s, robin_user)
        robin_id = robin.id
    with session_scope(engine) as s:
        accounts.delete_account(s, as_current(account), PASSWORD)
    with session_scope(engine) as s:
        kept = s.get(ClinicPatient, robin_id)
        assert kept is not None and kept.user_id is None and kept.full_name == "Robin Hale"


def test_clients_may_be_the_patient_themself(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        patient = s.get(ClinicPatient, a.patient_id)
        self_client = service.create_client(s, a.staff, patient_id=a.patient_id)
        assert (self_client.full_name, self_client.phone, self_client.patient_id) == (patient.full_name, patient.phone, a.patient_id)
        with pytest.raises(SchedulingError, match="already a client of their own"):
            service.create_client(s, a.staff, patient_id=a.patient_id)
        with pytest.raises(SchedulingError, match="client's name"):
            service.create_client(s, a.staff, full_name="")
        with pytest.raises(ValueError, match="phone"):
            service.create_client(s, a.staff, full_name="Carer", phone="call me")
        rows = {r.id: r for r in service.list_clients(s, a.staff)}
        assert rows[self_client.id].is_patient_themself and not rows[a.client_id].is_patient_themself
        patients, clients = service.booking_choices(s, a.staff)
        assert [c.id for c in clients] == [a.client_id]  # the self-client is offered as "the patient themself"
        assert [p.id for p in patients] == [a.patient_id]


def test_lists_search_names_specialities_emails_and_phone_digits(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        service.create_doctor(s, a.staff, full_name="Dr Lena Novak", speciality="Clinical psychology")
        service.create_patient(s, a.staff, full_name="Grace Liu", phone="0113 496 0777", email="grace@example.org")
        service.create_client(s, a.staff, full_name="David Liu", email="david@example.org")
        assert [d.full_name for d in service.list_doctors(s, a.staff, "PSYCHOLOGY")] == ["Dr Lena Novak"]
        assert [p.full_name for p in service.list_patients(s, a.staff, "0113 496 0777")] == ["Grace Liu"]
        assert [p.full_name for p in service.list_patients(s, a.staff, "grace@")] == ["Grace Liu"]
        assert [c.full_name for c in service.list_clients(s, a.staff, "liu")] == ["David Liu"]
        assert service.list_patients(s, a.staff, "nobody") == []
        assert len(service.list_doctors(s, a.staff, "")) == 2


def test_staff_of_one_organisation_get_nothing_of_another(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        b = make_org(s, "Beta", admin=a.admin)
        appointment = service.book(s, a.staff, a.doctor_id, at(TODAY, 9), a.patient_id, a.client_id, now=NOW)
        agenda_id = service.list_agendas(s, a.staff, a.doctor_id)[0].id
        spy = b.staff
        assert {d.id for d in service.list_doctors(s, spy)} == {b.doctor_id}
        assert {p.id for p in service.list_patients(s, spy)} == {b.patient_id}
        assert {c.id for c in service.list_clients(s, spy)} == {b.client_id}
        assert {c.id for c in service.list_clinics(s, spy, organisation_id=a.id)} == {b.clinic_id}
        assert service.appointments_on(s, spy, TODAY, now=NOW) == []
        for attempt in (
            lambda: service.get_doctor(s, spy, a.doctor_id),
            lambda: service.update_doctor(s, spy, a.doctor_id, full_name="Mine now"),
            lambda: service.delete_doctor(s, spy, a.doctor_id, now=NOW),
            lambda: service.update_patient(s, spy, a.patient_id, full_name="Mine now"),
            lambda: service.delete_patient(s, spy, a.patient_id, now=NOW),
            lambda: service.update_client(s, spy, a.client_id, full_name="Mine now"),
            lambda: service.delete_client(s, spy, a.client_id, now=NOW),
            lambda: service.create_client(s, spy, patient_id=a.patient_id),
            lambda: service.list_agendas(s, spy, a.doctor_id),
            lambda: service.delete_agenda(s, spy, agenda_id, now=NOW),
            lambda: service.day_slots(s, spy, a.doctor_id, TODAY, now=NOW),
            lambda: service.upcoming_for_doctor(s, spy, a.doctor_id, now=NOW),
            lambda: service.book(s, spy, a.doctor_id, at(TODAY, 10), b.patient_id, None, now=NOW),
            lambda: service.book(s, spy, b.doctor_id, at(TODAY, 10), a.patient_id, None, now=NOW),
            lambda: service.book(s, spy, b.doctor_id, at(TODAY, 10), b.patient_id, a.client_id, now=NOW),
            lambda: service.create_agenda(
                s, spy, b.doctor_id, clinic_id=a.clinic_id, start_date=TODAY, end_date=TODAY,
                start_time=at(TODAY, 13).time(), end_time=at(TODAY, 14).time(), slot_minutes=30, weekdays=(1,),
            ),  # fmt: skip
            lambda: service.cancel(s, spy, appointment.id, "not mine", now=NOW),
            lambda: service.status_history(s, spy, appointment.id),
        ):
            with pytest.raises(NotFound):
                attempt()
        # Nothing of Alpha changed.
        assert s.get(Doctor, a.doctor_id).full_name == "Dr Alpha"
        assert s.get(Client, a.client_id) is not None
        assert [r.status for r in service.appointments_on(s, a.staff, TODAY, now=NOW)] == ["scheduled"]


def test_the_schema_refuses_links_across_organisations(engine):
    """Even a service bug could not book Alpha's doctor for Beta's patient."""
    from miwell.scheduling.models import Appointment

    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        b = make_org(s, "Beta", admin=a.admin)
    with pytest.raises(IntegrityError):
        with session_scope(engine) as s:
            s.add(Appointment(organisation_id=a.id, doctor_id=a.doctor_id, clinic_id=a.clinic_id, patient_id=b.patient_id,
                              client_id=a.client_id, starts_at=at(TODAY, 9), ends_at=at(TODAY, 9, 30)))  # fmt: skip
            s.flush()


def test_ids_from_the_browser_are_parsed_strictly():
    assert service.parse_id(" 42 ") == 42
    for bad in ("", "4x", "-1", None, "1.5"):
        with pytest.raises(NotFound):
            service.parse_id(bad)
    with pytest.raises(SchedulingError, match="as a date"):
        service.parse_day("tomorrow")
    with pytest.raises(SchedulingError, match="time of day"):
        service.parse_clock("9am")
    with pytest.raises(SchedulingError, match="whole number of minutes"):
        service.parse_minutes("0")
    assert service.parse_clock("09:30").minute == 30



def test_overlong_fields_are_refused(engine):
    with session_scope(engine) as s:
        a = make_org(s, "Alpha")
        with pytest.raises(SchedulingError, match="address must be at most 300"):
            service.create_clinic(s, a.admin, a.id, "Long", "x" * 301, "Europe/London")
        with pytest.raises(SchedulingError, match="speciality must be at most 120"):
            service.create_doctor(s, a.staff, full_name="Dr Long", speciality="y" * 121)
        appointment = service.book(s, a.staff, a.doctor_id, at(TODAY, 9), a.patient_id, a.client_id, now=NOW)
        with pytest.raises(SchedulingError, match="reason must be at most 500"):
            service.cancel(s, a.staff, appointment.id, "z" * 501, now=NOW)
