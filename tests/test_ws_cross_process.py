"""Two real server processes behind one Redis channel layer: an order placed through server A
reaches a dashboard socket held by server B."""

import asyncio
import json
import urllib.request
import uuid

import pytest
from websockets.asyncio.client import connect

from tests.live_servers import seeded, server_database, start_servers  # noqa: F401 - fixtures

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _place_order(server, seed: dict) -> dict:
    body = {
        "restaurant": seed["restaurant_id"],
        "items": [{"menu_item": seed["pizza_id"], "quantity": 2, "options": [seed["large_id"]]}],
        "delivery_address": {"street": "1 Test St", "city": "Springfield", "state": "IL", "zip_code": "62701"},
        "payment_method": "cash",
    }
    request = urllib.request.Request(
        f"{server.url}/api/orders/", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {seed['customer_token']}",
                 "Idempotency-Key": str(uuid.uuid4())})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        assert response.status == 201
        return json.loads(response.read())


async def _next_of_type(socket, message_type: str) -> dict:
    while True:
        message = json.loads(await socket.recv())
        if message["type"] == message_type:
            return message


def test_an_order_placed_on_server_a_reaches_a_dashboard_on_server_b(seeded, start_servers):  # noqa: F811
    # given
    server_a, server_b = start_servers(2)

    async def scenario():
        async with connect(f"{server_b.ws_url}/ws/tenant/{seeded['tenant_id']}/",
                           subprotocols=["bearer", seeded["owner_token"]], origin=server_b.url) as socket:
            # when
            placed = await asyncio.to_thread(_place_order, server_a, seeded)
            # then
            message = await asyncio.wait_for(_next_of_type(socket, "order.created"), timeout=20)
            return socket.subprotocol, placed, message

    subprotocol, placed, message = asyncio.run(scenario())
    assert subprotocol == "bearer"
    assert message["data"]["id"] == placed["id"]
    assert message["data"]["order_number"] == placed["order_number"]
    assert message["data"]["tenant_id"] == seeded["tenant_id"]
    assert set(message) == {"type", "data", "sent_at"}


def test_a_customer_on_server_b_follows_their_order_moved_on_server_a(seeded, start_servers):  # noqa: F811
    # given
    server_a, server_b = start_servers(2)
    placed = _place_order(server_a, seeded)

    def confirm() -> None:
        request = urllib.request.Request(
            f"{server_a.url}/api/orders/{placed['id']}/status/", data=json.dumps({"status": "confirmed"}).encode(),
            method="POST", headers={"Content-Type": "application/json",
                                    "Authorization": f"Bearer {seeded['owner_token']}",
                                    "X-Tenant-ID": seeded["tenant_id"]})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            assert response.status == 200

    async def scenario():
        async with connect(f"{server_b.ws_url}/ws/orders/", subprotocols=["bearer", seeded["customer_token"]],
                           origin=server_b.url) as socket:
            # when
            await asyncio.to_thread(confirm)
            # then
            return await asyncio.wait_for(_next_of_type(socket, "order.updated"), timeout=20)

    message = asyncio.run(scenario())
    assert message["data"]["id"] == placed["id"]
    assert message["data"]["status"] == "confirmed"
