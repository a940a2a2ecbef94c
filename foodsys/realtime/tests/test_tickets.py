import pytest
from django.core.cache import cache

from foodsys.realtime.tickets import ws_ticket_issue, ws_ticket_redeem
from foodsys.tenancy import keys
from foodsys.testing.fixtures import bearer_client


def test_a_ticket_redeems_once_to_its_user():
    # given
    ticket = ws_ticket_issue(user_id=42)
    # when
    first, second = ws_ticket_redeem(ticket=ticket), ws_ticket_redeem(ticket=ticket)
    # then
    assert (first, second) == (42, None)


def test_an_unknown_or_oversized_ticket_redeems_to_nothing():
    assert ws_ticket_redeem(ticket="not-a-ticket") is None
    assert ws_ticket_redeem(ticket="") is None
    assert ws_ticket_redeem(ticket="x" * 500) is None


def test_a_ticket_is_stored_hashed_with_the_configured_lifetime(settings):
    # given
    settings.WS_TICKET_TTL_SECONDS = 1
    # when
    ticket = ws_ticket_issue(user_id=7)
    # then
    assert cache.get(keys.ws_ticket_key(ticket)) == 7
    assert ticket not in keys.ws_ticket_key(ticket)


@pytest.mark.django_db
def test_the_ticket_endpoint_issues_a_ticket_to_a_jwt_user(customer):
    # when
    response = bearer_client(customer).post("/api/auth/ws-ticket/")
    # then
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    assert response.json()["expires_in"] == 60
    assert ws_ticket_redeem(ticket=response.json()["ticket"]) == customer.pk


@pytest.mark.django_db
def test_the_ticket_endpoint_refuses_anonymous_callers(api_client):
    # when
    response = api_client.post("/api/auth/ws-ticket/")
    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
