"""``python -m miwell.outreach.cli check``: stops start-up with the reason when the mail settings
are wrong, instead of letting every email fail later."""

from __future__ import annotations

import sys

from miwell.outreach.services.mailer import configured_mailer


def main(argv: list[str] | None = None) -> int:
    try:
        mailer = configured_mailer()
    except ValueError as exc:
        print(f"MiWell cannot start: {exc}", file=sys.stderr)
        return 1
    print(f"Email goes to {mailer.config.describe()}." if mailer else "No MIWELL_SMTP_URL: emails are kept on the admins' Outbox page.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
