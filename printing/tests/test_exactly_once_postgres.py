"""Exactly once on the real PostgreSQL: tabs and agent processes of one device claiming at once."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from foodsys.tenancy.actor import OWNER, Actor
from foodsys.testing import factories as f
from orders.tests.helpers import place
from printing import services
from printing.models import DeviceKind, JobStatus, PrintJob

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 6
ORDERS = 40


def _device_with_orders(count: int):
    restaurant = f.RestaurantFactory()
    owner, customer = f.OwnerFactory(), f.UserFactory()
    f.MembershipFactory(user=owner, tenant=restaurant)
    device = services.print_device_register(restaurant=restaurant, actor=Actor(user=owner, role=OWNER),
                                            name="Kitchen", kind=DeviceKind.BROWSER).device
    item = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    for _ in range(count):
        place(customer=customer, restaurant=restaurant, lines=[(item, 1)])
    return device


def _drain(device, barrier, printed: list, lock: threading.Lock):
    """One tab: claim small batches until nothing is due, "printing" and acking each job."""
    try:
        barrier.wait(timeout=20)
        while jobs := services.print_jobs_claim(device=device, now=timezone.now(), limit=3):
            for job in jobs:
                ack = services.print_job_ack(device=device, job_id=job.pk, claim_token=job.claim_token,
                                             now=timezone.now())
                with lock:
                    printed.append((job.pk, ack.already_printed))
    finally:
        connection.close()


def test_concurrent_claims_of_one_device_print_every_ticket_exactly_once():
    device = _device_with_orders(ORDERS)
    barrier, lock, printed = threading.Barrier(WORKERS), threading.Lock(), []

    threads = [threading.Thread(target=_drain, args=(device, barrier, printed, lock)) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    counts = Counter(job_id for job_id, _ in printed)
    assert len(counts) == ORDERS and set(counts.values()) == {1}  # every ticket, each by one tab only
    assert not any(already for _, already in printed)
    assert PrintJob.objects.filter(device=device, status=JobStatus.PRINTED).count() == ORDERS
    assert set(PrintJob.objects.filter(device=device).values_list("attempts", flat=True)) == {1}


def test_a_claim_racing_an_expired_lease_reclaim_gives_the_job_to_one_claimer():
    device = _device_with_orders(1)
    now = timezone.now()
    [held] = services.print_jobs_claim(device=device, now=now)
    later = now + services.LEASE
    barrier, results = threading.Barrier(2), []

    def reclaim():
        try:
            barrier.wait(timeout=20)
            results.append(services.print_jobs_claim(device=device, now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=reclaim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(len(jobs) for jobs in results) == [0, 1]
    [winner] = [jobs[0] for jobs in results if jobs]
    assert winner.pk == held.pk and winner.claim_token != held.claim_token
