from decimal import Decimal

import pytest

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from menu.models import Category, MenuItem, Option, OptionGroup

pytestmark = pytest.mark.django_db

CATEGORIES = "/api/menu/categories/"
ITEMS = "/api/menu/items/"


def item_url(item) -> str:
    return f"{ITEMS}{item.id}/"


def groups_url(item) -> str:
    return f"{ITEMS}{item.id}/option-groups/"


def group_url(group) -> str:
    return f"{groups_url(group.item)}{group.id}/"


def option_url(option) -> str:
    return f"/api/menu/options/{option.id}/"


@pytest.fixture
def category(restaurant):
    return f.CategoryFactory(tenant=restaurant, name="Mains")


@pytest.fixture
def other_item(other_restaurant):
    return f.MenuItemFactory(category=f.CategoryFactory(tenant=other_restaurant))


def _item_body(of_category, **overrides) -> dict:
    return {"category": of_category.id, "name": "Margherita", "price": "9.50", "description": "Tomato, basil",
            "spicy_level": 1, "allergens": ["gluten", "milk"], "is_vegetarian": True, **overrides}


def _item_body_for(category_id: int, **overrides) -> dict:
    return {"category": category_id, "name": "Margherita", "price": "9.50", **overrides}


# --- categories ------------------------------------------------------------------------------
def test_owner_creates_lists_updates_and_deletes_a_category(owner_client, restaurant):
    created = owner_client.post(CATEGORIES, {"name": "Starters", "position": 2}, format="json")
    assert created.status_code == 201, created.json()
    category_id = created.json()["id"]

    listed = owner_client.get(CATEGORIES).json()
    updated = owner_client.patch(f"{CATEGORIES}{category_id}/", {"name": "Small plates"}, format="json")
    replaced = owner_client.put(f"{CATEGORIES}{category_id}/", {"name": "Tapas", "position": 1}, format="json")
    deleted = owner_client.delete(f"{CATEGORIES}{category_id}/")

    assert [c["name"] for c in listed["results"]] == ["Starters"]
    assert updated.json()["name"] == "Small plates"
    assert replaced.json() == {"id": category_id, "name": "Tapas", "position": 1}
    assert deleted.status_code == 204
    assert not Category.objects.filter(id=category_id).exists()


def test_rows_created_without_a_position_go_last(owner_client, restaurant):
    # The same rule as the dashboard's "add": after the last, whatever gaps the positions have.
    f.CategoryFactory(tenant=restaurant, name="Drinks", position=9)

    category = owner_client.post(CATEGORIES, {"name": "Desserts"}, format="json").json()
    first = owner_client.post(ITEMS, _item_body_for(category["id"], name="Cake"), format="json").json()
    second = owner_client.post(ITEMS, _item_body_for(category["id"], name="Pie"), format="json").json()

    assert (category["position"], first["position"], second["position"]) == (10, 0, 1)


def test_category_list_is_scoped_to_the_tenant(owner_client, category, other_restaurant):
    f.CategoryFactory(tenant=other_restaurant, name="Theirs")

    body = owner_client.get(CATEGORIES).json()

    assert [c["name"] for c in body["results"]] == ["Mains"]


def test_deleting_a_category_with_items_is_a_409(owner_client, menu_item):
    response = owner_client.delete(f"{CATEGORIES}{menu_item.category_id}/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "category_not_empty"
    assert Category.objects.filter(id=menu_item.category_id).exists()


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_another_tenants_category_is_a_404(owner_client, other_restaurant, method):
    theirs = f.CategoryFactory(tenant=other_restaurant, name="Theirs")

    response = getattr(owner_client, method)(f"{CATEGORIES}{theirs.id}/", {"name": "Mine now"}, format="json")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


# --- items -----------------------------------------------------------------------------------
def test_owner_creates_an_item(owner_client, category):
    response = owner_client.post(ITEMS, _item_body(category), format="json")

    body = response.json()
    assert response.status_code == 201, body
    item = MenuItem.objects.get(id=body["id"])
    assert item.tenant_id == category.tenant_id and item.price == Decimal("9.50")
    assert body["price"] == "9.50" and body["allergens"] == ["gluten", "milk"] and body["option_groups"] == []


def test_owner_lists_retrieves_replaces_and_deletes_items(owner_client, menu_item, other_item):
    listed = owner_client.get(ITEMS).json()
    retrieved = owner_client.get(item_url(menu_item)).json()
    replaced = owner_client.put(item_url(menu_item), _item_body(menu_item.category, name="New"), format="json")
    deleted = owner_client.delete(item_url(menu_item))

    assert [i["id"] for i in listed["results"]] == [menu_item.id]
    assert retrieved["name"] == menu_item.name
    assert replaced.status_code == 200 and replaced.json()["name"] == "New"
    assert deleted.status_code == 204 and not MenuItem.objects.filter(id=menu_item.id).exists()


def test_item_list_filters_by_availability_and_category(owner_client, restaurant):
    mains, drinks = f.CategoryFactory(tenant=restaurant), f.CategoryFactory(tenant=restaurant)
    soup = f.MenuItemFactory(category=mains, is_available=False)
    f.MenuItemFactory(category=mains)
    cola = f.MenuItemFactory(category=drinks)

    unavailable = owner_client.get(ITEMS, {"is_available": "false"}).json()
    in_drinks = owner_client.get(ITEMS, {"category": drinks.id}).json()

    assert [i["id"] for i in unavailable["results"]] == [soup.id]
    assert [i["id"] for i in in_drinks["results"]] == [cola.id]


def test_owner_moves_an_item_to_another_of_their_categories(owner_client, menu_item, restaurant):
    desserts = f.CategoryFactory(tenant=restaurant)

    response = owner_client.patch(item_url(menu_item), {"category": desserts.id}, format="json")

    assert response.status_code == 200
    menu_item.refresh_from_db()
    assert menu_item.category_id == desserts.id


@pytest.mark.parametrize(("field", "value"), [
    ("price", "-1.00"),
    ("price", "0"),
    ("price", "0.00"),
    ("price", "abc"),
    ("price", "1.999"),
    ("spicy_level", 7),
    ("spicy_level", -1),
    ("name", "x" * 10_240),
    ("name", ""),
    ("category", 987654),
    ("category", "soup"),
    ("allergens", "gluten"),
    ("preparation_time", -3),
    ("image_url", "not a url"),
])
def test_item_create_rejects_invalid_fields_naming_them(owner_client, category, field, value):
    response = owner_client.post(ITEMS, _item_body(category, **{field: value}), format="json")

    body = response.json()
    assert response.status_code == 400, body
    assert field in body["error"]["fields"]
    assert not MenuItem.objects.exists()


def test_item_with_another_tenants_category_is_refused_as_unknown(owner_client, other_restaurant, restaurant):
    theirs = f.CategoryFactory(tenant=other_restaurant)

    response = owner_client.post(ITEMS, _item_body(theirs), format="json")

    body = response.json()
    assert response.status_code == 400
    assert body["error"]["code"] == "unknown_category"
    assert body["error"]["fields"] == {"category": ["Unknown category."]}
    assert not MenuItem.objects.for_tenant(restaurant).exists()


def test_item_cannot_be_moved_into_another_tenants_category(owner_client, menu_item, other_restaurant):
    theirs = f.CategoryFactory(tenant=other_restaurant)

    response = owner_client.patch(item_url(menu_item), {"category": theirs.id}, format="json")

    assert response.status_code == 400
    menu_item.refresh_from_db()
    assert menu_item.category.tenant_id == menu_item.tenant_id


def test_item_create_rejects_malformed_json(owner_client):
    response = owner_client.post(ITEMS, data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_invalid_patch_changes_nothing(owner_client, menu_item):
    response = owner_client.patch(item_url(menu_item), {"name": "Renamed", "price": "-5"}, format="json")

    assert response.status_code == 400
    menu_item.refresh_from_db()
    assert menu_item.name != "Renamed"


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_another_tenants_item_is_a_404(owner_client, other_item, method):
    response = getattr(owner_client, method)(item_url(other_item), {"is_available": False}, format="json")

    assert response.status_code == 404
    other_item.refresh_from_db()
    assert other_item.is_available is True


# --- roles -----------------------------------------------------------------------------------
def test_staff_may_switch_an_item_off(staff_client, menu_item):
    response = staff_client.patch(item_url(menu_item), {"is_available": False}, format="json")

    assert response.status_code == 200, response.json()
    menu_item.refresh_from_db()
    assert menu_item.is_available is False


@pytest.mark.parametrize("body", [{"price": "1.00"}, {"is_available": False, "price": "1.00"}, {"name": "x"}])
def test_staff_may_not_patch_other_item_fields(staff_client, menu_item, body):
    response = staff_client.patch(item_url(menu_item), body, format="json")

    assert response.status_code == 403
    menu_item.refresh_from_db()
    assert menu_item.is_available is True and menu_item.price == Decimal("10.00")


@pytest.mark.parametrize(("method", "url"), [
    ("get", ITEMS), ("post", ITEMS), ("get", CATEGORIES), ("post", CATEGORIES),
])
def test_staff_may_not_read_or_create(staff_client, method, url):
    assert getattr(staff_client, method)(url, {"name": "x"}, format="json").status_code == 403


def test_staff_may_not_put_or_delete_items(staff_client, menu_item):
    assert staff_client.put(item_url(menu_item), {"is_available": False}, format="json").status_code == 403
    assert staff_client.delete(item_url(menu_item)).status_code == 403
    assert MenuItem.objects.filter(id=menu_item.id, is_available=True).exists()


def test_customer_is_forbidden(customer_client, customer, menu_item, restaurant):
    assert customer_client.get(ITEMS).status_code == 403
    assert customer_client.patch(item_url(menu_item), {"is_available": False}, format="json").status_code == 403
    with_header = bearer_client(customer, restaurant)
    assert with_header.get(ITEMS).status_code == 403


def test_anonymous_is_401(api_client, menu_item, restaurant):
    assert api_client.get(ITEMS).status_code == 401
    assert api_client.patch(item_url(menu_item), {"is_available": False}, format="json").status_code == 401
    api_client.credentials(HTTP_X_TENANT_ID=str(restaurant.tenant_id))
    assert api_client.post(CATEGORIES, {"name": "x"}, format="json").status_code == 401


def test_owner_with_one_restaurant_needs_no_tenant_header(owner, menu_item):
    response = bearer_client(owner).get(ITEMS)

    assert response.status_code == 200 and response.json()["count"] == 1


def test_owner_of_two_restaurants_must_choose_one(db):
    first, second = f.RestaurantFactory(), f.RestaurantFactory()
    user = f.OwnerFactory()
    for tenant in (first, second):
        f.MembershipFactory(user=user, tenant=tenant)
    item = f.MenuItemFactory(category=f.CategoryFactory(tenant=second))

    ambiguous = bearer_client(user).get(ITEMS)
    chosen = bearer_client(user, second).get(ITEMS)
    other_scope = bearer_client(user, first).get(item_url(item))

    assert ambiguous.status_code == 400 and ambiguous.json()["error"]["code"] == "tenant_ambiguous"
    assert [i["id"] for i in chosen.json()["results"]] == [item.id]
    assert other_scope.status_code == 404


def test_malformed_tenant_header_is_400(owner):
    client = bearer_client(owner)
    client.credentials(HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"], HTTP_X_TENANT_ID="nope")

    assert client.get(ITEMS).status_code == 400


def test_admin_manages_any_tenant_it_names(admin_user, menu_item, restaurant):
    without_header = bearer_client(admin_user).get(ITEMS)
    with_header = bearer_client(admin_user, restaurant).patch(item_url(menu_item), {"price": "12.00"}, format="json")

    assert without_header.status_code == 400 and without_header.json()["error"]["code"] == "tenant_required"
    assert with_header.status_code == 200 and with_header.json()["price"] == "12.00"


# --- option groups and options ---------------------------------------------------------------
def test_owner_creates_an_option_group_with_nested_options(owner_client, menu_item):
    response = owner_client.post(groups_url(menu_item), {
        "name": "Size", "min_select": 1, "max_select": 1,
        "options": [{"name": "Small", "price_delta": "-1.00"}, {"name": "Large", "price_delta": "2.00"}],
    }, format="json")

    body = response.json()
    assert response.status_code == 201, body
    assert [(o["name"], o["price_delta"], o["position"]) for o in body["options"]] == [
        ("Small", "-1.00", 0), ("Large", "2.00", 1)]
    assert Option.objects.for_tenant(menu_item.tenant_id).count() == 2


def test_option_group_update_replaces_options_keeping_listed_ids(owner_client, menu_item):
    group = f.OptionGroupFactory(item=menu_item)
    keep, drop = f.OptionFactory(group=group, name="Keep"), f.OptionFactory(group=group, name="Drop")

    response = owner_client.put(group_url(group), {
        "name": "Size", "max_select": 2,
        "options": [{"id": keep.id, "name": "Kept", "price_delta": "0.50"}, {"name": "New"}],
    }, format="json")

    body = response.json()
    assert response.status_code == 200, body
    assert [o["name"] for o in body["options"]] == ["Kept", "New"]
    assert body["options"][0]["id"] == keep.id and body["max_select"] == 2
    assert not Option.objects.filter(id=drop.id).exists()


def test_option_group_patch_without_options_leaves_them(owner_client, menu_item):
    group = f.OptionGroupFactory(item=menu_item)
    option = f.OptionFactory(group=group)

    response = owner_client.patch(group_url(group), {"name": "Sauce"}, format="json")

    assert response.status_code == 200
    assert [o["id"] for o in response.json()["options"]] == [option.id]


def test_option_group_refuses_an_option_of_another_group(owner_client, menu_item):
    group, other_group = f.OptionGroupFactory(item=menu_item), f.OptionGroupFactory(item=menu_item)
    foreign = f.OptionFactory(group=other_group)

    response = owner_client.patch(group_url(group), {"options": [{"id": foreign.id, "name": "Stolen"}]},
                                  format="json")

    assert response.status_code == 400 and "options" in response.json()["error"]["fields"]
    foreign.refresh_from_db()
    assert foreign.group_id == other_group.id and foreign.name != "Stolen"


@pytest.mark.parametrize("body", [
    {"name": "Size", "min_select": 3, "max_select": 2, "options": [{"name": "a"}, {"name": "b"}, {"name": "c"}]},
    {"name": "Size", "min_select": 2, "max_select": 2, "options": [{"name": "only one"}]},
    {"name": "Size", "max_select": 0},
    {"name": "Size", "options": [{"name": "x", "price_delta": "abc"}]},
])
def test_option_group_rejects_impossible_selection_rules(owner_client, menu_item, body):
    response = owner_client.post(groups_url(menu_item), body, format="json")

    assert response.status_code == 400, response.json()
    assert not OptionGroup.objects.exists() and not Option.objects.exists()


def test_owner_lists_and_deletes_option_groups(owner_client, menu_item):
    group = f.OptionGroupFactory(item=menu_item)
    f.OptionFactory(group=group)

    listed = owner_client.get(groups_url(menu_item)).json()
    deleted = owner_client.delete(group_url(group))

    assert [g["id"] for g in listed["results"]] == [group.id]
    assert deleted.status_code == 204
    assert not OptionGroup.objects.exists() and not Option.objects.exists()


def test_option_groups_of_another_tenants_item_are_404(owner_client, other_item):
    group = f.OptionGroupFactory(item=other_item)

    assert owner_client.get(groups_url(other_item)).status_code == 404
    assert owner_client.post(groups_url(other_item), {"name": "x"}, format="json").status_code == 404
    assert owner_client.get(group_url(group)).status_code == 404
    assert owner_client.delete(group_url(group)).status_code == 404
    assert OptionGroup.objects.filter(id=group.id).exists()


def test_option_group_under_the_wrong_item_is_404(owner_client, restaurant, menu_item):
    group = f.OptionGroupFactory(item=menu_item)
    another = f.MenuItemFactory(category=menu_item.category)

    assert owner_client.get(f"{groups_url(another)}{group.id}/").status_code == 404


def test_staff_may_switch_an_option_off_but_not_edit_groups(staff_client, menu_item):
    group = f.OptionGroupFactory(item=menu_item)
    option = f.OptionFactory(group=group)

    switched = staff_client.patch(option_url(option), {"is_available": False}, format="json")
    repriced = staff_client.patch(option_url(option), {"price_delta": "9.00"}, format="json")
    group_edit = staff_client.patch(group_url(group), {"name": "x"}, format="json")

    assert switched.status_code == 200 and switched.json()["is_available"] is False
    assert repriced.status_code == 403 and group_edit.status_code == 403
    option.refresh_from_db()
    assert option.price_delta == Decimal("1.00")


def test_owner_edits_one_option(owner_client, menu_item):
    option = f.OptionFactory(group=f.OptionGroupFactory(item=menu_item))

    response = owner_client.patch(option_url(option), {"price_delta": "0.75", "name": "Extra cheese"},
                                  format="json")

    assert response.status_code == 200
    assert response.json()["price_delta"] == "0.75" and response.json()["name"] == "Extra cheese"


def test_another_tenants_option_is_404(owner_client, other_item):
    option = f.OptionFactory(group=f.OptionGroupFactory(item=other_item))

    assert owner_client.patch(option_url(option), {"is_available": False}, format="json").status_code == 404
    option.refresh_from_db()
    assert option.is_available is True
