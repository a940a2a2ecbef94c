"""Auto-accept (a service rule recorded as automatic), busy mode in the quote, and the order timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.enums import OrderStatus
from orders.models import OrderActivity, OrderStatusChange, OutboxEvent
from orders.presenters import order_detail
from orders.services import order_activity_record
from orders.tests.helpers import order_payload, place, transition

URL = "/api/orders/"


@pytest.mark.django_db
def test_with_auto_accept_a_new_order_is_confirmed_by_the_rule(customer, restaurant, menu_item):
    # given
    restaurant.auto_accept = True
    restaurant.save()

    # when
    placed = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])

    # then
    order = placed.order
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED and order.confirmed_at is not None
    change = OrderStatusChange.objects.get(order=order)
    assert (change.from_status, change.to_status, change.automatic, change.by) == ("pending", "confirmed", True, None)
    assert sorted(OutboxEvent.objects.values_list("event_type", flat=True)) == [
        "order_created", "order_status_updated"]


@pytest.mark.django_db
def test_without_auto_accept_a_new_order_waits_for_the_kitchen(customer, restaurant, menu_item):
    placed = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])

    assert placed.order.status == OrderStatus.PENDING
    assert not OrderStatusChange.objects.filter(order=placed.order).exists()


@pytest.mark.django_db
def test_the_placing_answer_shows_the_automatic_confirmation(customer_client, restaurant, menu_item):
    # given
    restaurant.auto_accept = True
    restaurant.save()

    # when
    body = customer_client.post(URL, order_payload(restaurant, (menu_item, 1)), format="json").json()

    # then
    assert body["status"] == "confirmed"
    assert [(e["kind"], e["to_status"], e["automatic"]) for e in body["timeline"]] == [
        ("status", "confirmed", True)]


@pytest.mark.django_db
def test_busy_mode_adds_its_minutes_to_the_ready_estimate_only_while_it_lasts(customer, restaurant, menu_item):
    # given: the item takes 15 minutes
    menu_item.preparation_time = 15
    menu_item.save()
    restaurant.busy_extra_prep_minutes = 20
    restaurant.busy_until = timezone.now() + timedelta(minutes=30)
    restaurant.save()

    # when
    busy = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order
    restaurant.busy_until = timezone.now() - timedelta(seconds=1)  # it ended by itself
    restaurant.save()
    calm = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order

    # then
    assert round((busy.estimated_ready_at - busy.created_at).total_seconds() / 60) == 35
    assert round((calm.estimated_ready_at - calm.created_at).total_seconds() / 60) == 15


@pytest.mark.django_db
def test_the_timeline_names_members_for_the_restaurant_and_nobody_for_the_customer(
        customer, owner, restaurant, menu_item):
    # given
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order
    transition(order.pk, "confirmed", by=owner)
    order_activity_record(order=order, kind="ticket_reprinted", by=owner, detail="Paper jam")
    order.refresh_from_db()

    # when
    for_owner = order_detail(order, role="owner")["timeline"]
    for_customer = order_detail(order, role="customer")["timeline"]

    # then
    owner_name = owner.name or owner.email
    assert [(e["kind"], e["by"], e["detail"]) for e in for_owner] == [
        ("status", owner_name, ""), ("ticket_reprinted", owner_name, "Paper jam")]
    assert [(e["kind"], e["by"]) for e in for_customer] == [("status", None)]  # no staff names, no reprints
    assert OrderActivity.objects.get().tenant_id == restaurant.tenant_id
