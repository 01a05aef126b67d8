"""Reflex states of accounts: who is signed in, and the login, register and account pages.

Every handler that touches data resolves the user from the session token on the server, in
the handler itself. The browser holds only its own token and what its pages show.

One module per page or group of pages: ``auth`` (the base of every state), ``signing_in``,
``account``, ``admin``, ``vetting`` (admins' psychiatrists page), ``homes``.
"""

from miwell.accounts.states.account import AccountState
from miwell.accounts.states.admin import AdminAccountsState
from miwell.accounts.states.auth import ROLE_LABELS, STATUS_PAGE_ROLE, AuthState, form_data, text_arg
from miwell.accounts.states.homes import PatientHomeState, StaffHomeState
from miwell.accounts.states.signing_in import InvitationState, LoginState, RegisterState, StandingState
from miwell.accounts.states.two_factor import TwoFactorState
from miwell.accounts.states.vetting import InvitationRow, PsychiatristCard, VettingState

__all__ = [
    "TwoFactorState",
    "AccountState",
    "AdminAccountsState",
    "AuthState",
    "InvitationRow",
    "InvitationState",
    "LoginState",
    "PatientHomeState",
    "PsychiatristCard",
    "ROLE_LABELS",
    "RegisterState",
    "STATUS_PAGE_ROLE",
    "StaffHomeState",
    "StandingState",
    "VettingState",
    "form_data",
    "text_arg",
]
