import pytest

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
