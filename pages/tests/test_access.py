import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from menu.roles import may_edit_menu
from pages.views.access import dashboard_restaurant

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/dashboard/")
    request.user = user
    return request


def test_members_and_admins_get_their_actor(owner, staff, admin_user, restaurant):
    roles = [dashboard_restaurant(_request(user), restaurant.pk)[1].role for user in (owner, staff, admin_user)]

    assert roles == ["owner", "staff", "admin"]


@pytest.mark.parametrize("restaurant_id", ["mine", "unknown"])
def test_outsiders_and_unknown_restaurants_are_404(other_owner, restaurant, restaurant_id):
    with pytest.raises(Http404):
        dashboard_restaurant(_request(other_owner), restaurant.pk if restaurant_id == "mine" else 987654)


def test_a_page_the_role_rule_refuses_is_404(staff, restaurant):
    with pytest.raises(Http404):
        dashboard_restaurant(_request(staff), restaurant.pk, allowed=may_edit_menu)


def test_move_urls_exist_only_for_up_and_down(restaurant):
    assert reverse("pages:category-move", args=[restaurant.pk, 3, "up"]).endswith("/categories/3/move/up/")
    with pytest.raises(NoReverseMatch):  # the converter only knows the services' directions
        reverse("pages:category-move", args=[restaurant.pk, 3, "sideways"])
