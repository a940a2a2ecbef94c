"""POST /api/restaurants/{id}/orders/: phone and walk-in orders entered by owners and staff."""

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from orders.models import Order, OrderLine, OutboxEvent
from orders.tests.api.test_views import DETAIL_KEYS
from orders.tests.helpers import ADDRESS, menu_item_in

CSRF_SECRET = "k" * 32  # an unmasked CSRF secret, as the csrftoken cookie holds


def _url(restaurant) -> str:
    return f"/api/restaurants/{restaurant.pk}/orders/"


def _body(*lines, **overrides) -> dict:
    """A valid body; each line is (menu_item, quantity) or (menu_item, quantity, [option ids])."""
    body = {
        "channel": "phone",
        "items": [{"menu_item_id": line[0].id, "quantity": line[1],
                   "option_ids": list(line[2]) if len(line) > 2 else [], "special_instructions": ""}
                  for line in lines],
        "fulfilment": "pickup",
        "payment_method": "cash",
        "contact_name": "Marge Simpson",
        "contact_phone": "+1 555 0100",
        "notes": "",
    }
    body.update(overrides)
    return body


def _error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == status
    if field:
        assert field in body["error"]["fields"], body
    return body["error"]


def _nothing_written() -> bool:
    return not (Order.objects.exists() or OrderLine.objects.exists() or OutboxEvent.objects.exists())


@pytest.fixture
def pizza(priced_restaurant):
    item = menu_item_in(priced_restaurant, name="Pizza", price=Decimal("10.00"))
    size = f.OptionGroupFactory(item=item, name="Size", min_select=1, max_select=1)
    return item, f.OptionFactory(group=size, name="Large", price_delta=Decimal("1.50"))


@pytest.fixture
def staff_member(priced_restaurant):
    user = f.UserFactory()
    f.MembershipFactory(user=user, tenant=priced_restaurant, role="staff")
    return user


# --- success ------------------------------------------------------------------------------------------
def test_staff_enter_a_phone_order_and_get_the_order_detail(priced_restaurant, pizza, staff_member):
    # given
    item, large = pizza
    client = bearer_client(staff_member, priced_restaurant)

    # when: 2 x (10.00 + 1.50) = 23.00 to pick up; tax 8.25 % = 1.8975 -> 1.90
    response = client.post(_url(priced_restaurant), _body((item, 2, [large.id]), notes="ring twice"), format="json")

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert (body["channel"], body["entered_by_id"], body["customer_id"]) == ("phone", staff_member.pk, None)
    assert (body["subtotal"], body["delivery_fee"], body["tax"], body["total"]) == ("23.00", "0.00", "1.90", "24.90")
    assert (body["customer_name"], body["contact_phone"], body["fulfilment"]) == (
        "Marge Simpson", "+1 555 0100", "pickup")
    assert body["lines"][0]["options"][0]["name"] == "Large" and body["notes"] == "ring twice"
    order = Order.objects.get(pk=body["id"])
    assert (order.channel, order.entered_by_id, order.order_number) == ("phone", staff_member.pk, body["order_number"])


def test_an_owner_enters_a_walk_in_delivery_over_the_session(priced_restaurant, pizza):
    # given an owner logged in with a session (the page's way), CSRF enforced
    item, large = pizza
    owner = f.OwnerFactory()
    f.MembershipFactory(user=owner, tenant=priced_restaurant, role="owner")
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    token = CSRF_SECRET
    client.cookies["csrftoken"] = token

    # when
    response = client.post(_url(priced_restaurant), _body((item, 2, [large.id]), channel="walk_in", contact_phone="",
                                                          fulfilment="delivery", delivery_address=dict(ADDRESS),
                                                          payment_method="pay_at_counter"),
                           content_type="application/json", HTTP_X_CSRFTOKEN=token)

    # then: the delivery fee is added
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["channel"], body["delivery_fee"], body["total"]) == ("walk_in", "3.00", "27.90")
    assert body["delivery_address"]["street"] == ADDRESS["street"]


def test_a_session_post_without_csrf_is_refused(priced_restaurant, pizza, staff_member):
    item, large = pizza
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_member)
    client.cookies["csrftoken"] = CSRF_SECRET  # a cookie, but no X-CSRFToken header
    response = client.post(_url(priced_restaurant), _body((item, 1, [large.id])), content_type="application/json")
    assert response.status_code == 403 and _nothing_written()


# --- errors per field ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("change", "field"), [
    (lambda body: body["items"][0].update(quantity=0), "items[0].quantity"),
    (lambda body: body["items"][0].update(quantity="2"), "items[0].quantity"),
    (lambda body: body["items"][0].update(option_ids=[]), "items[0].option_ids"),  # the size is required
    (lambda body: body["items"][0].update(menu_item_id=999_999), "items[0].menu_item_id"),
    (lambda body: body.update(items=[]), "items"),
    (lambda body: body.update(channel="online"), "channel"),
    (lambda body: body.update(payment_method="card"), "payment_method"),
    (lambda body: body.update(contact_phone=""), "contact_phone"),
    (lambda body: body.update(contact_name=""), "contact_name"),
    (lambda body: body.update(fulfilment="delivery"), "delivery_address"),
    (lambda body: body.update(fulfilment="delivery", delivery_address={"street": "1 A St"}),
     "delivery_address.city"),
])
def test_bad_input_names_the_field_and_writes_nothing(priced_restaurant, pizza, staff_member, change, field):
    # given
    item, large = pizza
    body = _body((item, 1, [large.id]))
    change(body)

    # when
    response = bearer_client(staff_member, priced_restaurant).post(_url(priced_restaurant), body, format="json")

    # then
    error = _error(response, 400)
    assert field in error["fields"], error
    assert _nothing_written()


# --- who may ------------------------------------------------------------------------------------------
def test_anonymous_callers_get_401(priced_restaurant, pizza):
    item, large = pizza
    response = APIClient().post(_url(priced_restaurant), _body((item, 1, [large.id])), format="json")
    assert response.status_code == 401 and _nothing_written()


def test_a_customer_gets_404(priced_restaurant, pizza, customer):
    item, large = pizza
    response = bearer_client(customer).post(_url(priced_restaurant), _body((item, 1, [large.id])), format="json")
    assert _error(response, 404)["code"] == "restaurant_not_found"
    assert _nothing_written()


def test_staff_of_another_tenant_get_404_even_with_a_bad_body(priced_restaurant, pizza, other_restaurant):
    # given staff of another restaurant
    item, large = pizza
    user = f.UserFactory()
    f.MembershipFactory(user=user, tenant=other_restaurant, role="staff")
    client = bearer_client(user, other_restaurant)

    # when they post a valid body, and a broken one, to this restaurant
    valid = client.post(_url(priced_restaurant), _body((item, 1, [large.id])), format="json")
    broken = client.post(_url(priced_restaurant), {"items": "nope"}, format="json")

    # then both are 404 (the body is not even validated) and nothing of this restaurant shows
    assert _error(valid, 404) and _error(broken, 404)
    assert priced_restaurant.name not in valid.content.decode()
    assert _nothing_written()


def test_an_unknown_restaurant_is_404(staff_member, priced_restaurant):
    response = bearer_client(staff_member).post("/api/restaurants/987654/orders/", {}, format="json")
    assert _error(response, 404)["message"] == "No such restaurant."


def test_an_inactive_restaurant_is_409_for_its_staff(priced_restaurant, pizza, staff_member):
    item, large = pizza
    priced_restaurant.is_active = False
    priced_restaurant.save()
    response = bearer_client(staff_member, priced_restaurant).post(_url(priced_restaurant),
                                                                   _body((item, 1, [large.id])), format="json")
    assert _error(response, 409, "restaurant")["code"] == "restaurant_inactive"
    assert _nothing_written()


def test_a_paused_restaurant_still_takes_staff_orders(priced_restaurant, pizza, staff_member):
    item, large = pizza
    priced_restaurant.accepting_orders = False
    priced_restaurant.save()
    response = bearer_client(staff_member, priced_restaurant).post(_url(priced_restaurant),
                                                                   _body((item, 1, [large.id])), format="json")
    assert response.status_code == 201, response.content


def test_only_post_is_allowed(priced_restaurant, staff_member):
    response = bearer_client(staff_member, priced_restaurant).get(_url(priced_restaurant))
    assert _error(response, 405)


def test_the_tenant_budget_is_spent(priced_restaurant, pizza, staff_member, settings):
    # given a tenant budget of two requests a minute
    item, large = pizza
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "tenant": "2/m"}
    client = bearer_client(staff_member, priced_restaurant)

    # when three orders are entered
    statuses = [client.post(_url(priced_restaurant), _body((item, 1, [large.id])), format="json").status_code
                for _ in range(3)]

    # then the third is refused with 429
    assert statuses[:2] == [201, 201] and statuses[2] == 429
