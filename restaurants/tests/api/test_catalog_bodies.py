"""The one body builder per catalog GET: who sees an inactive restaurant, and the tenant memo."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache as django_cache
from django.utils import timezone

from foodsys.common.exceptions import NotFoundError
from foodsys.common.memo import reset_all
from foodsys.tenancy import keys
from foodsys.testing import factories as f
from restaurants.api import catalog_bodies
from restaurants.tests.api.fresh import fresh_menu_json, fresh_restaurant_json

pytestmark = pytest.mark.django_db

BUILDERS = {
    "menu": (catalog_bodies.catalog_menu_body, fresh_menu_json),
    "restaurant": (catalog_bodies.catalog_restaurant_body, fresh_restaurant_json),
}


@pytest.fixture
def inactive(restaurant):
    f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    restaurant.is_active = False
    restaurant.save()
    return restaurant


@pytest.mark.parametrize("body", list(BUILDERS))
@pytest.mark.parametrize("viewer", ["owner", "staff", "admin_user"])
def test_an_inactive_restaurant_is_built_uncached_for_its_members_and_admins(request, inactive, body, viewer):
    build, fresh = BUILDERS[body]
    user = request.getfixturevalue(viewer)

    served = build(restaurant_id=inactive.id, viewer=user, now=timezone.now())

    assert served == fresh(inactive, now=timezone.now())
    assert django_cache.get(keys.menu_body_cache_key(inactive.tenant_id, inactive.id)) is None
    assert django_cache.get(keys.restaurant_body_cache_key(inactive.tenant_id)) is None


@pytest.mark.parametrize("body", list(BUILDERS))
@pytest.mark.parametrize("viewer", [None, "anonymous", "customer", "other_owner"])
def test_an_inactive_restaurant_does_not_exist_for_anyone_else(request, inactive, body, viewer):
    build, _ = BUILDERS[body]
    user = {None: None, "anonymous": AnonymousUser()}[viewer] if viewer in (None, "anonymous") else (
        request.getfixturevalue(viewer))

    with pytest.raises(NotFoundError):
        build(restaurant_id=inactive.id, viewer=user, now=timezone.now())


def test_the_tenant_memo_is_a_process_memo_cleared_by_the_one_reset(restaurant):
    # given a read that taught this process the restaurant's tenant
    catalog_bodies.catalog_menu_body(restaurant_id=restaurant.id, viewer=None, now=timezone.now())
    assert catalog_bodies.menu_cache_reads(restaurant_id=restaurant.id) != []

    # when every process memo is reset (the root conftest does this before each test)
    reset_all()

    # then it is forgotten: no app keeps a memo of its own that only some conftests reset
    assert catalog_bodies.menu_cache_reads(restaurant_id=restaurant.id) == []
