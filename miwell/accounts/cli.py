"""Command line for operators: ``python -m miwell.accounts.cli create-admin``.

Creates the first admin (or any admin) from the machine itself, where no admin exists yet
to do it in the app. The password is asked for interactively, or read from
MIWELL_ADMIN_PASSWORD for scripted setups.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from miwell.accounts import services as service
from miwell.db import session_scope


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m miwell.accounts.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-admin", help="create an admin account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--phone", required=True)
    args = parser.parse_args(argv)

    password = os.environ.get("MIWELL_ADMIN_PASSWORD") or getpass.getpass("Password for the new admin: ")
    try:
        with session_scope() as s:
            user = service.register(
                s,
                role="admin",
                full_name=args.name,
                email=args.email,
                phone=args.phone,
                password=password,
                by_operator=True,
            )
            email = user.email
    except ValueError as exc:
        print(f"Not created: {exc}", file=sys.stderr)
        return 1
    print(f"Admin account created for {email}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
