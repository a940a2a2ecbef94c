"""The channel layer's Redis cut off from a server holding WebSocket clients, then back."""

import asyncio
import json
import time

import pytest
import redis
from channels.layers import get_channel_layer
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from foodsys.tenancy import keys
from orders.consumers import CLOSE_TRY_AGAIN_LATER
from orders.tests.helpers import order_payload
from tests.faults.conftest import database_url, process_env, redis_url
from tests.faults.http import call

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TOLD_WITHIN_SECONDS = 20
RECONNECT_WITHIN_SECONDS = 30
RECHECK_SECONDS = 0.5  # the sockets' periodic access re-check, which also re-joins their groups


def test_with_the_channel_layer_down_http_works_and_websocket_clients_are_told_and_reconnect(
        redis_proxy, daphne, restaurant, owner, customer, menu_item):
    # given: a dashboard socket on a server whose channel layer (Redis) is behind the proxy
    server = daphne(process_env(database=database_url(), redis=redis_url(redis_proxy),
                                WS_RECHECK_SECONDS=str(RECHECK_SECONDS)))
    owner_token, customer_token = str(AccessToken.for_user(owner)), str(AccessToken.for_user(customer))
    stream = f"{server.ws_url}/ws/tenant/{restaurant.tenant_id}/"

    def open_socket():
        return connect(stream, subprotocols=["bearer", owner_token], origin=server.url, open_timeout=10)

    async def scenario():
        async with open_socket() as socket:
            # when: Redis goes away
            redis_proxy.cut()
            try:
                http = await asyncio.to_thread(lambda: (call(f"{server.url}/healthz").status,
                                                        call(f"{server.url}/api/restaurants/{restaurant.id}/").status))
                close_code = await _closed_within(socket, TOLD_WITHIN_SECONDS)
                refused_while_down = await _attempt(open_socket)
            finally:
                redis_proxy.restore()
                restored_at = time.time()
        # then the page's reconnect loop gets a live socket again, which sees the next order
        socket, attempts = await _reconnect(open_socket, RECONNECT_WITHIN_SECONDS)
        async with socket:
            placed = await asyncio.to_thread(call, f"{server.url}/api/orders/", method="POST",
                                             body=order_payload(restaurant, (menu_item, 1)), token=customer_token)
            message = await asyncio.wait_for(_next_of_type(socket, "order.created"), timeout=20)
            await asyncio.sleep(6 * RECHECK_SECONDS)  # long enough for a leftover re-check to re-join the group
            joined_since = _joined_since(keys.tenant_group(restaurant.tenant_id), restored_at)
            gauge = await asyncio.to_thread(_open_sockets_gauge, server)
        return http, close_code, refused_while_down, attempts, placed, message, joined_since, gauge

    http, close_code, refused_while_down, attempts, placed, message, joined_since, gauge = asyncio.run(scenario())

    # then: HTTP kept working, the client was told (its socket closed with an error code), and it came back
    assert http == (200, 200)
    assert close_code == CLOSE_TRY_AGAIN_LATER, server.log()[-3000:]  # a temporary condition: the page retries
    assert refused_while_down, "a new socket was accepted while the channel layer was down"
    assert attempts >= 1
    assert placed.status == 201, placed.body
    assert message["data"]["id"] == placed.json()["id"]
    # and the sockets lost in the outage left nothing running: none re-joined the group since (only the live
    # one did; those that could not leave while Redis was down expire with the group), none is still counted
    assert len(joined_since) == 1, joined_since
    assert gauge == 1


def _joined_since(group: str, since: float) -> list[bytes]:
    """Channels in the group whose last join is later than `since` (channels-redis scores by join time)."""
    key = get_channel_layer()._group_key(group)
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        return client.zrangebyscore(key, since, "+inf")
    finally:
        client.close()


def _open_sockets_gauge(server) -> float:
    lines = call(f"{server.url}/metrics").body.decode().splitlines()
    return float(next(line.split()[1] for line in lines if line.startswith("foodsys_websocket_connections ")))


async def _closed_within(socket, seconds: float) -> int | None:
    """The close code once the server closes the socket, or None if it is still open after `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            while True:
                await socket.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else 1006
    except TimeoutError:
        return None


async def _attempt(open_socket) -> bool:
    """True when a connection attempt is refused or closed at once (what a page sees while it is down)."""
    try:
        async with open_socket() as socket:
            return await _closed_within(socket, 5) is not None
    except (InvalidHandshake, OSError, TimeoutError):
        return True


async def _reconnect(open_socket, seconds: float):
    """Like the page's LiveSocket: retry until a socket opens and stays open; (socket, attempts)."""
    deadline = time.monotonic() + seconds
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        try:
            socket = await open_socket()
        except (InvalidHandshake, OSError, TimeoutError):
            await asyncio.sleep(0.5)
            continue
        if await _closed_within(socket, 1) is None:
            return socket, attempts
        await asyncio.sleep(0.5)
    raise AssertionError(f"no live socket after {attempts} attempts in {seconds}s")


async def _next_of_type(socket, message_type: str) -> dict:
    while True:
        message = json.loads(await socket.recv())
        if message["type"] == message_type:
            return message
