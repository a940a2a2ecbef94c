"""Helpers for WebSocket tests (channels' in-process communicator)."""

import asyncio
import functools
import io

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client

TEST_HOST = (b"host", b"testserver")
TEST_ORIGIN = (b"origin", b"http://testserver")


def ws_communicator(path: str, *, headers: list[tuple[bytes, bytes]] | None = None,
                    subprotocols: list[str] | None = None) -> WebsocketCommunicator:
    """A browser-like socket of the site's own page: Host and Origin http://testserver, plus `headers`."""
    return raw_ws_communicator(path, headers=[TEST_HOST, TEST_ORIGIN, *(headers or [])], subprotocols=subprotocols)


def raw_ws_communicator(path: str, *, headers: list[tuple[bytes, bytes]] | None = None,
                        subprotocols: list[str] | None = None, scheme: str = "ws") -> WebsocketCommunicator:
    """A socket with exactly `headers` (no Origin unless given), e.g. an API client's or a foreign page's."""
    from foodsys.asgi import application

    communicator = WebsocketCommunicator(application, path, headers=list(headers or []), subprotocols=subprotocols)
    communicator.scope["scheme"] = scheme
    return communicator


async def handshake_refused(communicator: WebsocketCommunicator) -> bool:
    """True when the handshake itself was denied (HTTP 403, before any consumer ran)."""
    connected, _ = await communicator.connect()
    if connected:
        await communicator.disconnect()
    return not connected


async def close_code_of(communicator: WebsocketCommunicator) -> int | None:
    """Connects; the close code a refused connection gets (refusals accept, then close), else None."""
    connected, _ = await communicator.connect()
    assert connected
    if await communicator.receive_nothing(timeout=0.2):
        return None
    message = await communicator.receive_output()
    assert message["type"] == "websocket.close", message
    await communicator.disconnect()  # as a server would: the refused consumer gets its disconnect and ends
    return message["code"]


def session_cookie_header(user) -> tuple[bytes, bytes]:
    """A Cookie header carrying a real Django session of `user` (sync: call outside the event loop)."""
    client = Client()
    client.force_login(user)
    return b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()


LEFTOVER_GRACE_SECONDS = 5


async def _end_leftover_tasks() -> None:
    """Cancels what the test left running; a task that will not end fails the test instead of hanging it."""
    leftovers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in leftovers:
        task.cancel()
    _, pending = await asyncio.wait(leftovers, timeout=LEFTOVER_GRACE_SECONDS) if leftovers else ((), ())
    if pending:
        stacks = io.StringIO()
        for task in pending:
            task.print_stack(file=stacks)
        raise AssertionError(f"{len(pending)} task(s) ignored cancellation:\n{stacks.getvalue()}")


def run_async(test):
    """Runs an async test function in a fresh event loop (no pytest-asyncio needed); fixtures still apply."""

    async def test_then_clean_up(*args, **kwargs):
        try:
            return await test(*args, **kwargs)
        finally:
            await _end_leftover_tasks()

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return async_to_sync(test_then_clean_up)(*args, **kwargs)

    return wrapper
