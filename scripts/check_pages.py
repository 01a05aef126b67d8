"""Build every page's component tree without compiling the frontend: a quick check for mistakes
that would otherwise show only when `reflex run` compiles (a missing attribute, a bad prop).

    .venv/bin/python scripts/check_pages.py
"""

from __future__ import annotations

import sys

import miwell.miwell as entry


def main() -> int:
    app = entry.app
    app._apply_decorated_pages()
    failures = 0
    for route in list(app._unevaluated_pages):
        try:
            app._compile_page(route, save_page=False)
        except Exception as exc:  # report every broken page, not only the first
            failures += 1
            print(f"{route}: {type(exc).__name__}: {exc}")
    print(f"{len(app._unevaluated_pages)} pages built, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
