"""GET /api/orders/export.csv: streamed, filtered, members only, injection-safe."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from orders import export
from orders.models import Order
from orders.tests.helpers import menu_item_in, place

URL = "/api/orders/export.csv/"  # the router adds the trailing slash
pytestmark = pytest.mark.django_db
RANGE = {"created_from": "2026-03-29", "created_to": "2026-03-29"}


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200, getattr(response, "content", b"")
    assert response.streaming is True
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def _order_at(restaurant, at: datetime, *, quantity=1, **fields) -> Order:
    order = place(customer=fields.pop("customer", None) or f.UserFactory(), restaurant=restaurant,
                  lines=[(menu_item_in(restaurant, price=Decimal("7.35")), quantity)]).order
    Order.objects.filter(pk=order.pk).update(created_at=at, **fields)
    order.refresh_from_db()
    return order


@pytest.fixture
def berlin(restaurant):
    restaurant.timezone = "Europe/Berlin"
    restaurant.name = "Bäckerei Süd"
    restaurant.tax_rate = Decimal("0.0825")
    restaurant.delivery_fee = Decimal("2.50")
    restaurant.save()
    return restaurant


def test_the_export_streams_one_row_per_order_with_exact_money(owner_client, berlin):
    # given
    first = _order_at(berlin, datetime(2026, 3, 28, 23, 0, tzinfo=UTC), quantity=3,
                      customer=f.UserFactory(name="Ann Example"))
    second = _order_at(berlin, datetime(2026, 3, 29, 21, 59, 59, tzinfo=UTC), contact_name="Bob Phone",
                       contact_phone="+4930123", channel="phone")
    _order_at(berlin, datetime(2026, 3, 29, 22, 0, tzinfo=UTC))  # local 30 March

    # when
    response = owner_client.get(URL, {**RANGE, "ordering": "created_at"})

    # then
    rows = _rows(response)
    assert rows[0] == list(export.HEADER)
    assert [row[0] for row in rows[1:]] == [first.order_number, second.order_number]
    by_number = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    for order in (first, second):
        row = by_number[order.order_number]
        for column in ("subtotal", "delivery_fee", "tax", "total"):
            assert Decimal(row[column]) == getattr(order, column)
        assert int(row["item_count"]) == order.item_count
        assert (row["status"], row["currency"], row["payment_method"], row["payment_status"]) == (
            order.status, order.currency, order.payment_method, order.payment_status)
    assert by_number[first.order_number]["created_at"] == "2026-03-29T00:00:00+01:00"
    assert by_number[first.order_number]["name"] == "Ann Example"
    assert by_number[second.order_number]["created_at"] == "2026-03-29T23:59:59+02:00"
    assert (by_number[second.order_number]["name"], by_number[second.order_number]["phone"],
            by_number[second.order_number]["channel"]) == ("Bob Phone", "'+4930123", "phone")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="orders-backerei-sud-2026-03-29-2026-03-29.csv"')


def test_the_export_applies_search_and_status(owner_client, berlin):
    kept = _order_at(berlin, datetime(2026, 3, 29, 12, tzinfo=UTC), contact_name="Needle")
    _order_at(berlin, datetime(2026, 3, 29, 12, tzinfo=UTC), contact_name="Needle", status="cancelled")
    _order_at(berlin, datetime(2026, 3, 29, 12, tzinfo=UTC), contact_name="Hay")
    rows = _rows(owner_client.get(URL, {**RANGE, "search": "needle", "status": "pending"}))
    assert [row[0] for row in rows[1:]] == [kept.order_number]


def test_cells_that_look_like_formulas_are_quoted(owner_client, berlin):
    _order_at(berlin, datetime(2026, 3, 29, 12, tzinfo=UTC), contact_name='=HYPERLINK("http://x")',
              contact_phone="@SUM(A1)")
    row = _rows(owner_client.get(URL, RANGE))[1]
    assert row[5] == '\'=HYPERLINK("http://x")'
    assert row[6] == "'@SUM(A1)"
    assert [export.safe_cell(v) for v in ("-1", "+1", "ok", None)] == ["'-1", "'+1", "ok", ""]


def test_another_tenants_orders_never_appear(owner_client, berlin, other_restaurant, other_owner):
    ours = _order_at(berlin, datetime(2026, 3, 29, 12, tzinfo=UTC))
    _order_at(other_restaurant, datetime(2026, 3, 29, 12, tzinfo=UTC))
    assert [row[0] for row in _rows(owner_client.get(URL, RANGE))[1:]] == [ours.order_number]


def test_members_only(berlin, customer, other_owner, staff_client, admin_user):
    _order_at(berlin, datetime(2026, 3, 29, 12, tzinfo=UTC))
    assert bearer_client(customer).get(URL, RANGE).status_code in (400, 403)  # no tenant view
    assert bearer_client(customer, berlin).get(URL, RANGE).status_code in (403, 404)
    assert bearer_client(other_owner, berlin).get(URL, RANGE).status_code in (403, 404)
    assert bearer_client(None).get(URL, RANGE).status_code == 401
    assert len(_rows(staff_client.get(URL, RANGE))) == 2
    assert len(_rows(bearer_client(admin_user, berlin).get(URL, RANGE))) == 2


@pytest.mark.parametrize(("params", "field"), [
    ({"created_from": "2025-01-01", "created_to": "2026-01-02"}, "created_to"),
    ({"created_from": "2026-03-30", "created_to": "2026-03-29"}, "created_from"),
    ({"created_from": "29.03.2026"}, "created_from"),
    ({"search": "x"}, "search"),
])
def test_bad_export_input_is_a_400(owner_client, params, field):
    response = owner_client.get(URL, params)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"], response.json()


def test_366_days_is_the_longest_export(owner_client):
    assert owner_client.get(URL, {"created_from": "2025-01-01", "created_to": "2026-01-01"}).status_code == 200


def test_the_default_range_is_the_last_30_local_days():
    now = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)  # already 30 March in Berlin
    assert export.export_range(created_from=None, created_to=None, zone="Europe/Berlin", now=now) == (
        date(2026, 3, 1), date(2026, 3, 30))
    assert export.export_range(created_from=date(2026, 3, 1), created_to=None, zone="UTC", now=now) == (
        date(2026, 3, 1), date(2026, 3, 29))
