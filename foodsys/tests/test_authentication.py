import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from foodsys.testing.fixtures import bearer_client


@pytest.mark.django_db
def test_a_bearer_request_loads_its_user_once(customer):
    client = bearer_client(customer)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/auth/me/")

    user_reads = [q["sql"] for q in queries.captured_queries
                  if 'FROM "accounts_user"' in q["sql"] and q["sql"].lstrip().startswith("SELECT")]
    assert response.status_code == 200
    assert len(user_reads) == 1, user_reads


@pytest.mark.django_db
def test_a_bad_token_is_still_rejected_by_drf(customer):
    client = bearer_client(customer)
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = client.get("/api/auth/me/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"
