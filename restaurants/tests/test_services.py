from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Membership, MembershipRole
from foodsys.common import cache
from foodsys.common.exceptions import ApplicationError, PermissionDeniedError
from foodsys.tenancy import keys
from foodsys.tenancy.actor import Actor
from foodsys.testing import factories as f
from restaurants.models import Restaurant
from restaurants.services import restaurant_create, restaurant_deactivate, restaurant_reactivate, restaurant_update

pytestmark = pytest.mark.django_db

OWNER = Actor(user=None, role="owner")


def test_create_makes_the_caller_owner_in_the_same_transaction():
    owner = f.OwnerFactory()

    restaurant = restaurant_create(owner=owner, name="Pho 1", cuisines=["Vietnamese"], timezone="Asia/Ho_Chi_Minh",
                                   currency="VND", tax_rate=Decimal("0.1000"))

    membership = Membership.objects.for_tenant(restaurant).get()
    assert membership.user == owner and membership.role == MembershipRole.OWNER
    assert restaurant.cuisine_tags == "|vietnamese|"


def test_create_refuses_customers():
    with pytest.raises(PermissionDeniedError):
        restaurant_create(owner=f.UserFactory(), name="Nope")

    assert not Restaurant.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("timezone", "Not/AZone"),
    ("currency", "ABC"),
    ("opening_hours", {"monday": [{"open": "10:00", "close": "10:00"}]}),
    ("cuisines", ["ok", ""]),
    ("cuisines", ["a|b"]),
    ("lat", Decimal("-90.5")),
])
def test_create_refuses_invalid_settings_and_writes_nothing(field, value):
    owner = f.OwnerFactory()

    with pytest.raises(ApplicationError) as raised:
        restaurant_create(owner=owner, name="Bad", **{field: value})

    assert field in raised.value.fields
    assert not Restaurant.objects.exists() and not Membership.objects.exists()


def test_create_deduplicates_cuisines_case_insensitively():
    restaurant = restaurant_create(owner=f.OwnerFactory(), name="X", cuisines=[" Thai ", "thai", "Lao"])

    assert restaurant.cuisines == ["Thai", "Lao"]
    assert restaurant.cuisine_tags == "|lao|thai|"


def test_update_applies_only_given_fields_and_keeps_tags_in_step(restaurant):
    restaurant_update(restaurant=restaurant, data={"cuisines": ["Greek"], "city": "Athens"}, actor=OWNER)

    restaurant.refresh_from_db()
    assert restaurant.cuisines == ["Greek"] and restaurant.cuisine_tags == "|greek|"
    assert restaurant.city == "Athens" and restaurant.name.startswith("Restaurant")


def test_update_refuses_fields_that_are_not_settings(restaurant):
    with pytest.raises(ApplicationError) as raised:
        restaurant_update(restaurant=restaurant, data={"is_active": False}, actor=OWNER)

    assert "is_active" in raised.value.fields


def test_pause_with_an_end_resumes_by_itself(restaurant):
    now = timezone.now()

    restaurant = restaurant_update(restaurant=restaurant, data={"accepting_orders": False,
                                                                "paused_until": now + timedelta(minutes=30)},
                                   actor=OWNER)

    assert restaurant.is_paused(now) is True
    assert restaurant.is_paused(now + timedelta(minutes=31)) is False


def test_deactivate_keeps_the_row(restaurant):
    restaurant_deactivate(restaurant=restaurant, actor=OWNER)

    assert Restaurant.objects.get(pk=restaurant.pk).is_active is False


def test_writes_retire_the_cached_detail_and_list_on_commit(restaurant, django_capture_on_commit_callbacks):
    tenant_before = cache.current_version(keys.tenant_version_key(restaurant.tenant_id))
    list_before = cache.current_version(keys.RESTAURANT_LIST_VERSION_KEY)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        restaurant_update(restaurant=restaurant, data={"name": "New name"}, actor=OWNER)

    assert len(callbacks) == 1
    assert cache.current_version(keys.tenant_version_key(restaurant.tenant_id)) == tenant_before + 1
    assert cache.current_version(keys.RESTAURANT_LIST_VERSION_KEY) == list_before + 1


@pytest.mark.parametrize("actor", [Actor(user=None, role="staff"), Actor(user=None, role="customer"), None])
def test_only_owners_and_admins_change_settings_pause_or_deactivate(restaurant, actor):
    with pytest.raises(PermissionDeniedError) as paused:
        restaurant_update(restaurant=restaurant, data={"accepting_orders": False}, actor=actor)
    with pytest.raises(PermissionDeniedError):
        restaurant_deactivate(restaurant=restaurant, actor=actor)

    restaurant.refresh_from_db()
    assert paused.value.code == "not_owner"
    assert restaurant.accepting_orders is True and restaurant.is_active is True


def test_an_admin_reactivates_a_deactivated_restaurant(restaurant):
    admin = Actor.admin(f.UserFactory(is_staff=True))
    restaurant_deactivate(restaurant=restaurant, actor=admin)

    restaurant_reactivate(restaurant=restaurant, actor=admin)

    assert Restaurant.objects.get(pk=restaurant.pk).is_active is True
