"""Category names are unique per restaurant, ignoring case and surrounding spaces (service and API)."""

import pytest

from foodsys.common.exceptions import ApplicationError
from foodsys.tenancy.actor import OWNER, Actor
from foodsys.testing import factories as f
from menu import services
from menu.models import Category

pytestmark = pytest.mark.django_db

CATEGORIES = "/api/menu/categories/"


@pytest.fixture
def pizzas(restaurant):
    return f.CategoryFactory(tenant=restaurant, name="Pizzas")


@pytest.mark.parametrize("name", ["Pizzas", "pizzas", "  PIZZAS  "])
def test_a_second_category_with_the_same_name_is_refused_on_name(owner, restaurant, pizzas, name):
    # when
    with pytest.raises(ApplicationError) as raised:
        services.category_create(tenant=restaurant, name=name, actor=Actor(user=owner, role=OWNER))
    # then
    assert raised.value.fields == {"name": ["There is already a category named “" + name.strip() + "”."]}
    assert Category.objects.for_tenant(restaurant).count() == 1


def test_the_same_name_in_another_restaurant_is_fine_and_names_are_trimmed(owner, pizzas, other_restaurant):
    created = services.category_create(tenant=other_restaurant, name="  Pizzas ", actor=Actor(user=owner, role=OWNER))
    assert created.name == "Pizzas"


def test_renaming_onto_another_category_is_refused_but_renaming_itself_is_fine(owner, restaurant, pizzas):
    # given
    salads = f.CategoryFactory(tenant=restaurant, name="Salads")
    # when / then
    with pytest.raises(ApplicationError):
        services.category_update(category=salads, data={"name": "PIZZAS"}, actor=Actor(user=owner, role=OWNER))
    renamed = services.category_update(category=pizzas, data={"name": "pizzas "}, actor=Actor(user=owner, role=OWNER))
    assert renamed.name == "pizzas"
    salads.refresh_from_db()
    assert salads.name == "Salads"


def test_the_api_refuses_a_duplicate_category_with_a_field_error(owner_client, pizzas):
    # when
    created = owner_client.post(CATEGORIES, {"name": " pizzas"}, format="json")
    # then
    assert created.status_code == 400
    body = created.json()
    assert body["error"]["code"] == "duplicate_category"
    assert list(body["error"]["fields"]) == ["name"]
    assert Category.objects.for_tenant(pizzas.tenant_id).count() == 1


def test_the_api_refuses_a_rename_onto_a_duplicate(owner_client, restaurant, pizzas):
    salads = f.CategoryFactory(tenant=restaurant, name="Salads")
    renamed = owner_client.patch(f"{CATEGORIES}{salads.pk}/", {"name": "Pizzas"}, format="json")
    assert renamed.status_code == 400
    assert "name" in renamed.json()["error"]["fields"]
