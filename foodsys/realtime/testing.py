"""Helpers for WebSocket tests (channels' in-process communicator)."""

import functools

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client

TEST_ORIGIN = (b"origin", b"http://testserver")


def ws_communicator(path: str, *, headers: list[tuple[bytes, bytes]] | None = None,
                    subprotocols: list[str] | None = None) -> WebsocketCommunicator:
    from foodsys.asgi import application

    return WebsocketCommunicator(application, path, headers=[TEST_ORIGIN, *(headers or [])],
                                 subprotocols=subprotocols)


async def close_code_of(communicator: WebsocketCommunicator) -> int | None:
    """Connects; the close code a refused connection gets (refusals accept, then close), else None."""
    connected, _ = await communicator.connect()
    assert connected
    if await communicator.receive_nothing(timeout=0.2):
        return None
    message = await communicator.receive_output()
    assert message["type"] == "websocket.close", message
    return message["code"]


def session_cookie_header(user) -> tuple[bytes, bytes]:
    """A Cookie header carrying a real Django session of `user` (sync: call outside the event loop)."""
    client = Client()
    client.force_login(user)
    return b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()


def run_async(test):
    """Runs an async test function in a fresh event loop (no pytest-asyncio needed); fixtures still apply."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return async_to_sync(test)(*args, **kwargs)

    return wrapper
