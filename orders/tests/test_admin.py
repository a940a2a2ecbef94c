import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from orders.enums import OrderStatus
from orders.models import Order, OrderStatusChange, OutboxEvent
from orders.tests.helpers import advance

CHANGELIST = "/admin/orders/order/"


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_order_pages_render(admin_browser, pending_order, restaurant):
    assert admin_browser.get(CHANGELIST).status_code == 200
    assert admin_browser.get(CHANGELIST, {"q": pending_order.order_number, "status": "pending"}).status_code == 200
    assert admin_browser.get(CHANGELIST, {"tenant__tenant_id__exact": str(restaurant.tenant_id)}).status_code == 200
    page = admin_browser.get(f"{CHANGELIST}{pending_order.pk}/change/")
    assert page.status_code == 200
    assert pending_order.order_number in page.content.decode()


def test_the_cancel_action_asks_for_a_reason_first(admin_browser, pending_order):
    # when
    page = admin_browser.post(CHANGELIST, {"action": "cancel_with_reason", ACTION_CHECKBOX_NAME: [pending_order.pk]})

    # then
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert Order.objects.get(pk=pending_order.pk).status == OrderStatus.PENDING


def test_the_cancel_action_cancels_through_the_state_machine(admin_browser, pending_order, admin_user, owner):
    # given: one cancellable order and one already delivered
    advance(pending_order, OrderStatus.CONFIRMED, actor=owner)
    delivered = Order.objects.create(
        tenant=pending_order.tenant, order_number="20260101-0001", customer=pending_order.customer,
        status=OrderStatus.DELIVERED, payment_method="cash", subtotal=1, delivery_fee=0, tax=0, total=1,
        currency="USD")

    # when
    response = admin_browser.post(CHANGELIST, {"action": "cancel_with_reason", "apply": "1", "reason": "Fraud",
                                               ACTION_CHECKBOX_NAME: [pending_order.pk, delivered.pk]}, follow=True)

    # then
    assert response.status_code == 200
    pending_order.refresh_from_db()
    assert (pending_order.status, pending_order.cancel_reason) == ("cancelled", "Fraud")
    assert OrderStatusChange.objects.filter(order=pending_order, to_status="cancelled", by=admin_user).exists()
    assert Order.objects.get(pk=delivered.pk).status == OrderStatus.DELIVERED
    assert "20260101-0001" in response.content.decode()  # the refusal is reported


def test_the_outbox_is_browsable_and_read_only(admin_browser, pending_order):
    event = OutboxEvent.objects.get()
    assert admin_browser.get("/admin/orders/outboxevent/", {"published": "no"}).status_code == 200
    assert admin_browser.get(f"/admin/orders/outboxevent/{event.pk}/change/").status_code == 200
    assert admin_browser.post(f"/admin/orders/outboxevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert OutboxEvent.objects.filter(pk=event.pk).exists()
