"""One ticket per device per order, claimed, printed and acknowledged once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from foodsys.common.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from foodsys.tenancy.actor import CUSTOMER, Actor
from orders.models import OrderActivity
from orders.tests.helpers import place
from printing.models import JobStatus, PrintJob
from printing.services import (
    LEASE,
    order_ticket_reprint,
    print_device_for_token,
    print_device_retire,
    print_job_ack,
    print_jobs_claim,
)

pytestmark = pytest.mark.django_db


def test_a_new_order_gets_one_job_per_active_device_in_its_transaction(kitchen_agent, tablet, customer, restaurant,
                                                                        menu_item, other_restaurant):
    device, _ = kitchen_agent

    placed = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])

    jobs = PrintJob.objects.filter(order=placed.order)
    assert sorted(jobs.values_list("device_id", flat=True)) == sorted([device.pk, tablet.pk])
    assert set(jobs.values_list("status", "copy", "tenant_id")) == {("pending", 0, restaurant.tenant_id)}


def test_a_device_that_prints_reprints_only_gets_no_new_order_tickets(tablet, customer, restaurant, menu_item):
    tablet.prints_new_orders = False
    tablet.save()

    place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])

    assert not PrintJob.objects.exists()


def test_claim_then_ack_prints_once_and_a_repeated_ack_is_answered_again(kitchen_agent, customer, restaurant,
                                                                         menu_item):
    device, _ = kitchen_agent
    place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])
    now = timezone.now()

    [job] = print_jobs_claim(device=device, now=now)
    assert print_jobs_claim(device=device, now=now) == []  # leased: nobody else gets it

    first = print_job_ack(device=device, job_id=job.pk, claim_token=job.claim_token, now=now)
    again = print_job_ack(device=device, job_id=job.pk, claim_token=job.claim_token, now=now)  # the answer was lost

    assert (first.already_printed, again.already_printed) == (False, True)
    assert PrintJob.objects.get(pk=job.pk).status == JobStatus.PRINTED
    assert print_jobs_claim(device=device, now=now + LEASE * 10) == []  # printed jobs are never offered again


def test_an_offline_device_gets_everything_it_missed_when_it_comes_back(kitchen_agent, customer, restaurant,
                                                                        menu_item):
    device, _ = kitchen_agent
    orders = [place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order for _ in range(3)]

    claimed = print_jobs_claim(device=device, now=timezone.now() + timedelta(hours=5), limit=10)

    assert [job.order_id for job in claimed] == [order.pk for order in orders]  # oldest first


def test_an_unacknowledged_job_is_offered_again_after_its_lease_and_the_old_claim_loses(kitchen_agent, customer,
                                                                                        restaurant, menu_item):
    device, _ = kitchen_agent
    place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])
    now = timezone.now()
    [first] = print_jobs_claim(device=device, now=now)

    assert print_jobs_claim(device=device, now=now + LEASE - timedelta(seconds=1)) == []
    [second] = print_jobs_claim(device=device, now=now + LEASE)

    assert second.pk == first.pk and second.claim_token != first.claim_token and second.attempts == 2
    with pytest.raises(ConflictError) as stale:
        print_job_ack(device=device, job_id=first.pk, claim_token=first.claim_token, now=now + LEASE)
    assert stale.value.code == "claim_superseded"
    assert print_job_ack(device=device, job_id=second.pk, claim_token=second.claim_token,
                         now=now + LEASE).already_printed is False


def test_an_ack_arriving_after_the_lease_still_counts_when_nobody_claimed_since(kitchen_agent, customer, restaurant,
                                                                                menu_item):
    device, _ = kitchen_agent
    place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])
    now = timezone.now()
    [job] = print_jobs_claim(device=device, now=now)

    ack = print_job_ack(device=device, job_id=job.pk, claim_token=job.claim_token, now=now + LEASE * 3)

    assert ack.already_printed is False
    assert print_jobs_claim(device=device, now=now + LEASE * 4) == []


def test_another_devices_job_is_a_404_and_changes_nothing(kitchen_agent, tablet, customer, restaurant, menu_item):
    device, _ = kitchen_agent
    place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])
    [tablet_job] = print_jobs_claim(device=tablet, now=timezone.now())

    with pytest.raises(NotFoundError):
        print_job_ack(device=device, job_id=tablet_job.pk, claim_token=tablet_job.claim_token, now=timezone.now())
    assert PrintJob.objects.get(pk=tablet_job.pk).status == JobStatus.CLAIMED


@pytest.mark.parametrize("bad", ["not-a-uuid", "", None])
def test_a_malformed_claim_token_is_a_400(kitchen_agent, bad):
    device, _ = kitchen_agent
    with pytest.raises(ApplicationError) as error:
        print_job_ack(device=device, job_id="00000000-0000-0000-0000-000000000000", claim_token=bad,
                      now=timezone.now())
    assert "claim_token" in error.value.fields


def test_a_reprint_is_the_next_copy_with_who_and_why_on_the_timeline(kitchen_agent, staff_actor, customer,
                                                                    restaurant, menu_item, staff):
    device, _ = kitchen_agent
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order

    [first] = order_ticket_reprint(order=order, actor=staff_actor, reason="Ticket got wet")
    [second] = order_ticket_reprint(order=order, actor=staff_actor, reason="Second station", device_ids=[device.pk])

    assert (first.copy, second.copy) == (1, 2)
    activities = list(OrderActivity.objects.filter(order=order).values_list("kind", "by", "detail"))
    assert activities == [("ticket_reprinted", staff.pk, "Ticket got wet (on Kitchen printer)"),
                          ("ticket_reprinted", staff.pk, "Second station (on Kitchen printer)")]


@pytest.mark.parametrize(("kwargs", "field"), [({"reason": "  "}, "reason"), ({"reason": "x" * 201}, "reason"),
                                               ({"reason": "Lost", "device_ids": [999999]}, "device_ids")])
def test_a_bad_reprint_is_refused_and_records_nothing(kitchen_agent, staff_actor, customer, restaurant, menu_item,
                                                      kwargs, field):
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order
    with pytest.raises(ApplicationError) as error:
        order_ticket_reprint(order=order, actor=staff_actor, **kwargs)
    assert field in error.value.fields
    assert PrintJob.objects.filter(order=order, copy__gt=0).count() == 0
    assert not OrderActivity.objects.filter(order=order).exists()


def test_a_customer_may_not_reprint(kitchen_agent, customer, restaurant, menu_item):
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order
    with pytest.raises(PermissionDeniedError):
        order_ticket_reprint(order=order, actor=Actor(user=customer, role=CUSTOMER), reason="Please")


def test_a_retired_device_loses_its_token_and_its_waiting_jobs(kitchen_agent, owner_actor, customer, restaurant,
                                                               menu_item):
    device, token = kitchen_agent
    place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])
    assert print_device_for_token(device_id=device.pk, token=token) == device
    assert print_device_for_token(device_id=device.pk, token=token + "x") is None

    print_device_retire(device=device, actor=owner_actor)

    assert print_device_for_token(device_id=device.pk, token=token) is None
    assert not PrintJob.objects.filter(device=device).exists()
