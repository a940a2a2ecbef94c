import pytest

from foodsys.common import cache
from foodsys.tenancy import keys
from foodsys.testing import factories as f
from restaurants.models import Restaurant

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_web(client, admin_user):
    client.force_login(admin_user)
    return client


def test_restaurant_changelist_filters_and_searches(admin_web):
    target = f.RestaurantFactory(name="Target", city="Oslo", accepting_orders=False)
    f.RestaurantFactory(name="Other", is_active=False)

    by_filters = admin_web.get("/admin/restaurants/restaurant/",
                               {"is_active__exact": "1", "city": "Oslo", "accepting_orders__exact": "0"})
    by_tenant_id = admin_web.get("/admin/restaurants/restaurant/", {"q": str(target.tenant_id)})

    assert [r.pk for r in by_filters.context["cl"].result_list] == [target.pk]
    assert [r.pk for r in by_tenant_id.context["cl"].result_list] == [target.pk]


def test_tenant_id_is_read_only(admin_web, restaurant):
    response = admin_web.get(f"/admin/restaurants/restaurant/{restaurant.pk}/change/")

    assert response.status_code == 200
    assert "tenant_id" not in response.context["adminform"].form.fields
    assert str(restaurant.tenant_id) in response.content.decode()


def test_restaurants_cannot_be_deleted_from_the_admin(admin_web, restaurant):
    response = admin_web.post(f"/admin/restaurants/restaurant/{restaurant.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Restaurant.objects.filter(pk=restaurant.pk).exists()


# --- writes go through the restaurant services (actor: the admin user, role "admin") ---------------
def _change_form(admin_web, restaurant, **changes) -> dict:
    """The change form's current values as a POST body, with `changes` applied."""
    form = admin_web.get(f"/admin/restaurants/restaurant/{restaurant.pk}/change/").context["adminform"].form
    data = {}
    for bound in form:
        value = bound.value()
        if value is False or value is None:
            continue  # an unticked box / an empty field is simply not sent
        data[bound.html_name] = "on" if value is True else value
    data.update(changes)
    return data


def test_a_change_in_the_admin_retires_the_cached_catalog(admin_web, restaurant, django_capture_on_commit_callbacks):
    before = cache.current_version(keys.tenant_version_key(restaurant.tenant_id))

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_web.post(f"/admin/restaurants/restaurant/{restaurant.pk}/change/",
                                  _change_form(admin_web, restaurant, name="Renamed", currency="eur"))

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    restaurant.refresh_from_db()
    assert (restaurant.name, restaurant.currency) == ("Renamed", "EUR")  # the service normalised it
    assert cache.current_version(keys.tenant_version_key(restaurant.tenant_id)) == before + 1


def test_unticking_active_in_the_admin_deactivates_through_the_service(admin_web, restaurant):
    form = _change_form(admin_web, restaurant)
    form.pop("is_active")

    response = admin_web.post(f"/admin/restaurants/restaurant/{restaurant.pk}/change/", form)

    assert response.status_code == 302
    assert Restaurant.objects.get(pk=restaurant.pk).is_active is False


def test_a_setting_the_service_refuses_is_reported_and_nothing_is_saved(admin_web, restaurant):
    form = _change_form(admin_web, restaurant, name="Renamed", timezone="Mars/Olympus")

    response = admin_web.post(f"/admin/restaurants/restaurant/{restaurant.pk}/change/", form, follow=True)

    assert "is not an IANA time zone" in response.content.decode()
    restaurant.refresh_from_db()
    assert restaurant.name != "Renamed" and restaurant.timezone == "UTC"
