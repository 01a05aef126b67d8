"""The session cookie over plain HTTP: the two small endpoints that set and clear it.

Why not a Reflex cookie: anything a Reflex state keeps in a cookie is read and written by the
page's scripts, so a script injected into the page could read the session. An HttpOnly cookie
can only be set by an HTTP response, which a websocket event is not. So a sign-in checks the
password over the websocket as before, leaves a one-time handoff in the database, and sends the
browser to ``/session/start``, which swaps the handoff for a session and sets the cookie
(HttpOnly, SameSite=Strict, Secure over HTTPS). The page that loads next opens a new websocket,
whose opening request carries the cookie; Reflex gives those headers to every event.

A nonce cookie set by the signing-in page itself goes with the handoff, so a handoff link that
reaches another browser (login CSRF) signs nobody in.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from miwell.accounts import services as service
from miwell.db import session_scope
from miwell.settings import get_settings

SESSION_COOKIE = "miwell_session"
HANDOFF_COOKIE = "miwell_handoff"
START_PATH = "/session/start"
END_PATH = "/session/end"
# Hostnames Reflex itself replaces with the page's own (see getBackendURL in Reflex's state.js).
_LOCAL_HOSTNAMES = ("localhost", "0.0.0.0", "::", "127.0.0.1")


def cookie_value(header: str, name: str) -> str:
    """One cookie's value from a Cookie header; tolerant of whatever else the header holds."""
    for part in (header or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"')
    return ""


def _backend_url_js(path: str, query: str) -> str:
    """JavaScript building the backend URL for ``path`` the way Reflex finds its own backend."""
    from reflex.config import get_config

    api = get_config().api_url
    return (
        f"(() => {{ const u = new URL({json.dumps(api)});"
        f" if ({json.dumps(list(_LOCAL_HOSTNAMES))}.includes(u.hostname)) u.hostname = location.hostname;"
        " if (location.protocol === 'https:') { u.protocol = 'https:'; u.port = location.port; }"
        f" u.pathname = {json.dumps(path)}; u.search = {query};"
        " return u.toString(); })()"
    )


def start_session_script(token: str, nonce: str):
    """The event that takes the browser through ``/session/start`` after a successful sign-in."""
    import reflex as rx

    query = f"'?t=' + {json.dumps(token)} + '&origin=' + encodeURIComponent(location.origin)"
    return rx.call_script(
        f"document.cookie = {json.dumps(HANDOFF_COOKIE + '=' + nonce + '; path=/; max-age=120; samesite=strict')}"
        " + (location.protocol === 'https:' ? '; secure' : '');"
        f" location.replace({_backend_url_js(START_PATH, query)});"
    )


def end_session_script(why: str = "out"):
    """The event that takes the browser through ``/session/end``, which clears the cookie."""
    import reflex as rx

    query = f"'?why=' + {json.dumps(why)} + '&origin=' + encodeURIComponent(location.origin)"
    return rx.call_script(f"location.replace({_backend_url_js(END_PATH, query)});")


def secure_cookies(request: Request) -> bool:
    """``MIWELL_COOKIE_SECURE``: ``auto`` (default) marks cookies Secure whenever the request came
    over HTTPS, directly or through the TLS proxy; ``true`` always; ``false`` never."""
    setting = os.environ.get("MIWELL_COOKIE_SECURE", "auto").strip().lower()
    if setting in ("1", "true", "yes", "on"):
        return True
    if setting in ("0", "false", "no", "off"):
        return False
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _back_to(request: Request, path: str) -> str:
    """``path`` on the page's origin if it is this host's (dev serves the pages on another port)."""
    origin = request.query_params.get("origin", "")
    parts = urlsplit(origin)
    if parts.scheme in ("http", "https") and parts.hostname and parts.hostname == request.url.hostname and not parts.path.strip("/"):
        return f"{parts.scheme}://{parts.netloc}{path}"
    return path


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the handoff token is in the URL
    return response


def start(request: Request) -> Response:
    token = request.query_params.get("t", "")
    nonce = request.cookies.get(HANDOFF_COOKIE, "")
    with session_scope() as s:
        redeemed = service.redeem_handoff(s, token, nonce)
    if redeemed is None:
        response = RedirectResponse(_back_to(request, "/?signin=expired"), status_code=303)
    else:
        session_token, next_path = redeemed
        response = RedirectResponse(_back_to(request, next_path), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session_token,
            max_age=get_settings().session_days * 86400,
            path="/",
            httponly=True,
            samesite="strict",
            secure=secure_cookies(request),
        )
    response.delete_cookie(HANDOFF_COOKIE, path="/")
    return _no_store(response)


def end(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        with session_scope() as s:
            service.end_session(s, token)
    why = request.query_params.get("why", "out")
    response = RedirectResponse(_back_to(request, "/?signin=" + quote(why if why in ("out", "deleted", "idle") else "out")), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=secure_cookies(request))
    return _no_store(response)


def routes() -> Starlette:
    """Mounted in front of the Reflex backend (``api_transformer``), in dev and prod alike."""
    return Starlette(routes=[Route(START_PATH, start, methods=["GET"]), Route(END_PATH, end, methods=["GET"])])
