import asyncio
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Membership
from foodsys.realtime.testing import close_code_of, run_async, session_cookie_header, ws_communicator
from foodsys.realtime.tickets import ws_ticket_issue
from foodsys.tenancy import keys
from foodsys.testing.fixtures import bearer_client
from orders.tests.helpers import order_payload, place

pytestmark = pytest.mark.django_db(transaction=True)


def _access(user) -> str:
    return str(AccessToken.for_user(user))


def _payload(message_type: str, **data) -> dict:
    return {"type": message_type, "data": data, "sent_at": "2025-01-01T12:00:00Z"}


async def _group_send(group: str, message_type: str, **data) -> dict:
    payload = _payload(message_type, **data)
    await get_channel_layer().group_send(group, {"type": message_type, "payload": payload})
    return payload


async def _next_of_type(communicator, message_type: str) -> dict:
    while True:
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] == message_type:
            return message


def _tenant_path(restaurant) -> str:
    return f"/ws/tenant/{restaurant.tenant_id}/"


# --- refusals -------------------------------------------------------------------------------------
@run_async
async def test_an_anonymous_connection_is_closed_with_4401(restaurant):
    assert await close_code_of(ws_communicator(_tenant_path(restaurant))) == 4401
    assert await close_code_of(ws_communicator("/ws/orders/")) == 4401


@run_async
async def test_a_bad_token_or_spent_ticket_is_closed_with_4401(restaurant):
    bad_bearer = ws_communicator(_tenant_path(restaurant), subprotocols=["bearer", "not.a.jwt"])
    unknown_ticket = ws_communicator(f"{_tenant_path(restaurant)}?ticket=nope")
    assert await close_code_of(bad_bearer) == 4401
    assert await close_code_of(unknown_ticket) == 4401


@run_async
async def test_a_non_member_is_closed_with_4403(restaurant, other_owner):
    communicator = ws_communicator(_tenant_path(restaurant), subprotocols=["bearer", _access(other_owner)])
    assert await close_code_of(communicator) == 4403


@run_async
async def test_a_customer_on_a_tenant_stream_is_closed_with_4403(restaurant, customer):
    communicator = ws_communicator(_tenant_path(restaurant), subprotocols=["bearer", _access(customer)])
    assert await close_code_of(communicator) == 4403


@run_async
async def test_an_unknown_or_malformed_tenant_is_closed_with_4404(owner):
    unknown = ws_communicator(f"/ws/tenant/{uuid.uuid4()}/", subprotocols=["bearer", _access(owner)])
    malformed = ws_communicator("/ws/tenant/not-a-uuid/", subprotocols=["bearer", _access(owner)])
    assert await close_code_of(unknown) == 4404
    assert await close_code_of(malformed) == 4404


@run_async
async def test_a_foreign_origin_is_refused_before_any_auth(settings, restaurant, owner):
    # given: the production stack under a real host list (test settings allow "*")
    from channels.security.websocket import AllowedHostsOriginValidator
    from channels.testing import WebsocketCommunicator

    from foodsys.asgi import application
    settings.ALLOWED_HOSTS = ["foodsys.example"]
    stack = AllowedHostsOriginValidator(application.application_mapping["websocket"].application)

    def communicator(origin: bytes):
        return WebsocketCommunicator(stack, _tenant_path(restaurant), headers=[(b"origin", origin)],
                                     subprotocols=["bearer", _access(owner)])

    # when
    foreign, _ = await communicator(b"https://evil.example").connect()
    own = communicator(b"https://foodsys.example")
    own_connected, _ = await own.connect()
    # then
    assert (foreign, own_connected) == (False, True)
    await own.disconnect()


# --- who may listen -------------------------------------------------------------------------------
@run_async
async def test_owner_staff_and_admin_may_listen_to_the_tenant(restaurant, owner, staff, admin_user):
    for user in (owner, staff, admin_user):
        communicator = ws_communicator(_tenant_path(restaurant), subprotocols=["bearer", _access(user)])
        assert await close_code_of(communicator) is None
        await communicator.disconnect()


@run_async
async def test_bearer_subprotocol_is_echoed_and_messages_are_forwarded(restaurant, owner):
    # given
    communicator = ws_communicator(_tenant_path(restaurant), subprotocols=["bearer", _access(owner)])
    connected, subprotocol = await communicator.connect()
    # when
    sent = await _group_send(keys.tenant_group(restaurant.tenant_id), "order.created", order_number="1")
    metrics = await _group_send(keys.tenant_group(restaurant.tenant_id), "metrics.update", orders_today=1)
    # then
    assert (connected, subprotocol) == (True, "bearer")
    assert await communicator.receive_json_from() == sent
    assert await communicator.receive_json_from() == metrics
    await communicator.disconnect()


@run_async
async def test_a_session_cookie_authenticates_a_browser(restaurant, owner):
    # given
    cookie = await sync_to_async(session_cookie_header)(owner)
    communicator = ws_communicator(_tenant_path(restaurant), headers=[cookie])
    # when
    code = await close_code_of(communicator)
    sent = await _group_send(keys.tenant_group(restaurant.tenant_id), "order.updated", status="confirmed")
    # then
    assert code is None
    assert await communicator.receive_json_from() == sent
    await communicator.disconnect()


@run_async
async def test_a_ticket_works_once(restaurant, owner):
    # given
    ticket = await sync_to_async(ws_ticket_issue)(user_id=owner.pk)
    first = ws_communicator(f"{_tenant_path(restaurant)}?ticket={ticket}")
    second = ws_communicator(f"{_tenant_path(restaurant)}?ticket={ticket}")
    # when
    first_code = await close_code_of(first)
    second_code = await close_code_of(second)
    # then
    assert (first_code, second_code) == (None, 4401)
    await first.disconnect()


@run_async
async def test_a_query_token_is_still_accepted_for_compatibility(restaurant, owner):
    communicator = ws_communicator(f"{_tenant_path(restaurant)}?token={_access(owner)}")
    assert await close_code_of(communicator) is None
    await communicator.disconnect()


# --- isolation ------------------------------------------------------------------------------------
@run_async
async def test_a_member_never_receives_another_tenants_messages(restaurant, owner, other_restaurant, other_owner):
    # given
    ours = ws_communicator(_tenant_path(restaurant), subprotocols=["bearer", _access(owner)])
    theirs = ws_communicator(_tenant_path(other_restaurant), subprotocols=["bearer", _access(other_owner)])
    await ours.connect()
    await theirs.connect()
    # when: a message for our tenant, then one for theirs
    ours_sent = await _group_send(keys.tenant_group(restaurant.tenant_id), "order.created", order_number="A-1")
    theirs_sent = await _group_send(keys.tenant_group(other_restaurant.tenant_id), "order.created", order_number="B-1")
    # then: each socket's first message is its own tenant's
    assert await ours.receive_json_from() == ours_sent
    assert await theirs.receive_json_from() == theirs_sent
    assert await ours.receive_nothing()
    await ours.disconnect()
    await theirs.disconnect()


@run_async
async def test_a_customer_receives_only_their_own_orders(customer, django_user_model):
    # given
    someone_else = await sync_to_async(django_user_model.objects.create_user)(email="else@example.com")
    mine = ws_communicator("/ws/orders/", subprotocols=["bearer", _access(customer)])
    await mine.connect()
    # when
    await _group_send(keys.user_group(someone_else.pk), "order.updated", status="ready")
    my_update = await _group_send(keys.user_group(customer.pk), "order.updated", status="confirmed")
    # then
    assert await mine.receive_json_from() == my_update
    await mine.disconnect()


# --- re-checks ------------------------------------------------------------------------------------
@run_async
async def test_a_removed_member_is_disconnected_with_4403_at_the_next_recheck(settings, restaurant, owner):
    # given
    settings.WS_RECHECK_SECONDS = 0.05
    communicator = ws_communicator(_tenant_path(restaurant), subprotocols=["bearer", _access(owner)])
    await communicator.connect()
    # when
    await sync_to_async(Membership.objects.filter(user=owner).delete)()
    # then
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}


@run_async
async def test_a_deactivated_customer_is_disconnected_with_4403(settings, customer):
    # given
    settings.WS_RECHECK_SECONDS = 0.05
    communicator = ws_communicator("/ws/orders/", subprotocols=["bearer", _access(customer)])
    await communicator.connect()
    # when
    customer.is_active = False
    await sync_to_async(customer.save)()
    # then
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}


@run_async
async def test_a_member_stays_connected_across_rechecks(settings, restaurant, owner):
    # given
    settings.WS_RECHECK_SECONDS = 0.02
    communicator = ws_communicator(_tenant_path(restaurant), subprotocols=["bearer", _access(owner)])
    await communicator.connect()
    # when: several re-checks pass
    await asyncio.sleep(0.2)
    sent = await _group_send(keys.tenant_group(restaurant.tenant_id), "order.updated", status="ready")
    # then
    assert await communicator.receive_json_from() == sent
    await communicator.disconnect()


# --- real orders over HTTP ---------------------------------------------------------------------------
@run_async
async def test_a_member_receives_order_created_when_an_order_is_placed_over_http(restaurant, owner, menu_item,
                                                                                 customer):
    # given
    dashboard = ws_communicator(_tenant_path(restaurant), subprotocols=["bearer", _access(owner)])
    tracking = ws_communicator("/ws/orders/", subprotocols=["bearer", _access(customer)])
    await dashboard.connect()
    await tracking.connect()
    # when
    customer_api = await sync_to_async(bearer_client)(customer)
    response = await sync_to_async(customer_api.post)(
        "/api/orders/", order_payload(restaurant, (menu_item, 2)), format="json")
    # then: the tenant and the customer both hear of it (metrics.update may come too)
    assert response.status_code == 201
    created = await _next_of_type(dashboard, "order.created")
    assert created["data"]["id"] == response.json()["id"]
    assert created["data"]["status"] == "pending"
    assert (await _next_of_type(tracking, "order.created"))["data"]["id"] == response.json()["id"]
    await dashboard.disconnect()
    await tracking.disconnect()


@run_async
async def test_a_customer_hears_status_changes_of_their_order_only(restaurant, owner, menu_item, customer,
                                                                   django_user_model):
    # given: two customers with one order each
    other = await sync_to_async(django_user_model.objects.create_user)(email="other@example.com")
    mine = (await sync_to_async(place)(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])).order
    theirs = (await sync_to_async(place)(customer=other, restaurant=restaurant, lines=[(menu_item, 1)])).order
    tracking = ws_communicator("/ws/orders/", subprotocols=["bearer", _access(customer)])
    await tracking.connect()
    owner_api = await sync_to_async(bearer_client)(owner, restaurant)
    # when: the restaurant confirms theirs, then mine
    for order in (theirs, mine):
        response = await sync_to_async(owner_api.post)(f"/api/orders/{order.pk}/status/", {"status": "confirmed"},
                                                       format="json")
        assert response.status_code == 200
    # then: the first update this customer hears is about their own order
    update = await _next_of_type(tracking, "order.updated")
    assert (update["data"]["id"], update["data"]["status"]) == (str(mine.pk), "confirmed")
    await tracking.disconnect()
