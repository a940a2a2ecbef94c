import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import Membership, User
from foodsys.common.demo import DEMO_PASSWORD, DEMO_USERS
from orders.models import Order, OutboxEvent
from restaurants.models import Restaurant


@pytest.mark.django_db
def test_seed_demo_loads_restaurants_menus_users_and_orders_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
        call_command("seed_demo")  # idempotent

    assert Restaurant.objects.count() == 3
    assert User.objects.count() == len(DEMO_USERS)
    assert Membership.objects.filter(role="staff").count() == 1
    assert Order.objects.count() == 18
    assert set(Order.objects.values_list("status", flat=True)) >= {"pending", "preparing", "delivered", "cancelled"}
    assert OutboxEvent.objects.filter(event_type="order_created").count() == 18


@pytest.mark.django_db
def test_demo_logins_work_and_only_the_admin_is_staff():
    call_command("seed_demo")

    for email, _name, _role, is_admin in DEMO_USERS:
        user = authenticate(email=email, password=DEMO_PASSWORD)
        assert user is not None, email
        assert user.is_staff == is_admin
