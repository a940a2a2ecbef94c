import pytest

AUTH_POSTS = ["/api/auth/register/", "/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/",
              "/api/auth/google/"]


@pytest.mark.django_db
def test_openapi_schema_documents_the_auth_request_and_response_bodies(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    for path in AUTH_POSTS:
        assert "requestBody" in schema["paths"][path]["post"], path
    assert set(schema["paths"]["/api/auth/login/"]["post"]["responses"]) >= {"200", "400", "401", "429"}
    assert set(schema["paths"]["/api/auth/register/"]["post"]["responses"]) >= {"201", "400"}
    me = schema["paths"]["/api/auth/me/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    me_component = schema["components"]["schemas"][me["$ref"].rsplit("/", 1)[-1]]
    assert {"email", "is_staff", "memberships"} <= set(me_component["properties"])
    register = schema["components"]["schemas"]["RegisterRequest"]
    assert "is_staff" not in register["properties"] and "password" in register["properties"]
