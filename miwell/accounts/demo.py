"""The demo accounts: who a newcomer can sign in as, and the one password they share.

Kept apart from the loader (``miwell.demo``) so that each domain's demo data can use them without
importing the loader, which imports every domain's demo data.
"""

DEMO_PASSWORD = "calm-harbour-2026"

# (role, name, email, phone, emergency contact name or GMC number, emergency contact phone)
ACCOUNTS = [
    ("admin", "Ada Admin", "admin@miwell.example", "+44 20 7946 0001", "", ""),
    ("staff", "Sam Reception", "staff@miwell.example", "+44 20 7946 0002", "", ""),
    ("psychiatrist", "Dr Priya Shah", "psychiatrist@miwell.example", "+44 20 7946 0003", "7100001", ""),
    ("psychiatrist", "Dr Tom Okafor", "tom.okafor@miwell.example", "+44 20 7946 0004", "7100002", ""),
    ("patient", "Pat Patient", "patient@miwell.example", "+44 113 496 0101", "Morgan Patient", "+44 161 496 0201"),
    ("patient", "Jamie Rivers", "jamie.rivers@miwell.example", "+44 113 496 0102", "Alex Rivers", "+44 161 496 0202"),
    ("patient", "Robin Hale", "robin.hale@miwell.example", "+44 113 496 0103", "Chris Hale", "+44 161 496 0203"),
]

# Someone who signed up as a psychiatrist and waits for an admin's approval (sees only their status page).
APPLICANT = ("Dr Lee Applicant", "applicant@miwell.example", "+44 20 7946 0006", "7100003")

LOGINS = [(a[0], a[2]) for a in ACCOUNTS if a[2].split("@")[0] in {"admin", "staff", "psychiatrist", "patient"}]
LOGINS.append(("psychiatrist (awaiting approval)", APPLICANT[1]))
