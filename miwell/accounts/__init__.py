"""Accounts: users of the four roles, sessions, passwords, and which psychiatrist may see whom.

- ``core``: pure rules (validation, password policy, assignment, throttling, standing changes)
  and password hashing; no Reflex, no database.
- ``models``: the tables. ``services``: every database read and write, checking the actor.
- ``states``: the Reflex states of the sign-in, account and admin pages; ``web``: the two HTTP
  endpoints that set and clear the HttpOnly session cookie.
- ``cli`` (the first admin) and ``demo`` (the demo accounts) sit on top.
"""
