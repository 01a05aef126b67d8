"""Calling event handlers as a browser's websocket would, for the generated handler tests."""

from __future__ import annotations

from reflex.istate.data import RouterData
from reflex.state import State
from reflex_base import constants


def state_for(cls, token: str, path: str):
    """A fresh tab's state of ``cls``, sent from ``path`` with the session cookie ``token``."""
    root = State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {
            constants.RouteVar.PATH: path,
            constants.RouteVar.ORIGIN: path,
            constants.RouteVar.HEADERS: {"origin": "http://test", "cookie": f"miwell_session={token}"},
            constants.RouteVar.CLIENT_IP: "198.51.100.23",
        }
    )
    return root.get_substate(cls.get_full_name().split("."))
