"""An owner's first day: the obvious addresses work and a new owner is shown where to start."""

import pytest

from foodsys.testing import factories as f


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "target"), [("/login/", "/accounts/login/"), ("/signup/", "/accounts/signup/"),
                                              ("/register/", "/accounts/signup/")])
def test_the_obvious_addresses_redirect_and_keep_next(client, path, target):
    response = client.get(f"{path}?next=/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == f"{target}?next=/dashboard/"


@pytest.mark.django_db
def test_a_new_owner_without_a_restaurant_is_offered_to_create_one(client):
    client.force_login(f.OwnerFactory())

    page = client.get("/dashboard/").content.decode()

    assert 'data-testid="dashboard-first-restaurant"' in page and 'href="/dashboard/new/"' in page


@pytest.mark.django_db
def test_staff_see_the_dashboard_link(client, staff):
    client.force_login(staff)

    assert '<a href="/dashboard/">Dashboard</a>' in client.get("/store/").content.decode()
