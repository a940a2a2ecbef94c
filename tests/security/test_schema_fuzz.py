"""Schema fuzzing: schemathesis drives every operation of /api/schema/ as every role, in-process (WSGI).

Each (operation, role) case generates positive and negative requests, half of them aimed at tenant
A's real objects (so updates reach the serializers and services, not just the 404 path). Checks:
no 5xx, and every response conforms to the documented schema and content type. Hypothesis is
derandomized, so CI sees the same requests every run. Each case runs in its own transaction.
"""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.security import helpers
from tests.security.world import ROLE_BY_NAME, World

EXAMPLES_PER_CASE = 8
MIN_TOTAL_REQUESTS = 1000
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
FUZZ_ROLES = ("anon", "cust_a", "owner_a", "staff_a", "admin")  # members and admins send X-Tenant-ID: A
FUZZ_HEADER_ROLES = {"owner_a": "a", "staff_a": "a", "admin": "a"}
REQUESTS = "fuzz requests (schemathesis)"
COMPLETED = "fuzz cases completed"


def _operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation in the generated schema, read at collection time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("drf_spectacular.drainage.GENERATOR_STATS.emit_summary", lambda: None, raising=False)
        paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item
            if method in helpers.HTTP_METHODS]


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def api_schema(django_db_blocker):
    from foodsys.wsgi import application

    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: the WSGI app must not close the connection that holds the test's transaction
    (close_old_connections sees the transaction's autocommit=False and closes it on PostgreSQL)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _headers(role_name: str, world: World) -> dict[str, str]:
    role = ROLE_BY_NAME[role_name]
    user = role.user_of(world)
    headers = {}
    if user is not None:
        from rest_framework_simplejwt.tokens import RefreshToken

        headers["Authorization"] = f"Bearer {RefreshToken.for_user(user).access_token}"
    if role_name in FUZZ_HEADER_ROLES:
        headers["X-Tenant-ID"] = str(world.tenant(FUZZ_HEADER_ROLES[role_name]).tenant_id)
    return headers


def _real_path_parameters(path: str, world: World) -> dict:
    values = helpers.path_values(path, world.a)
    return {name: int(value) if value.isdigit() else value for name, value in values.items()}


def _strategy(operation, world: World):
    """Positive and negative cases; when the path has parameters, also ones pointing at A's objects."""
    variants = [{}]
    if operation.path_parameters:
        variants.append({"path_parameters": _real_path_parameters(operation.path, world)})
    return st.one_of([operation.as_strategy(generation_mode=mode, **fixed)
                      for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) for fixed in variants])


@pytest.mark.parametrize("role_name", FUZZ_ROLES)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_fuzzed_requests_never_fail_and_match_the_schema(api_schema, world, keep_test_connection, settings, method,
                                                         path, role_name):
    # given the operation, the role's credentials, and no rate limits (they would cut the run short)
    settings.RATELIMIT_ENABLE = False
    operation = api_schema[path][method]
    headers = _headers(role_name, world)

    @settings_for_ci
    @given(case=_strategy(operation, world))
    def run(case):
        # when schemathesis sends a generated request; then no 5xx and the response matches the schema
        helpers.count(REQUESTS)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        helpers.count(f"fuzz responses {response.status_code // 100}xx")

    run()
    helpers.count(COMPLETED)


settings_for_ci = hypothesis_settings(
    max_examples=EXAMPLES_PER_CASE, derandomize=True, database=None, deadline=None, print_blob=False,
    phases=[Phase.explicit, Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck),
)


def test_the_fuzzer_sent_at_least_a_thousand_requests():
    """Runs last in the module: the total only means something when every fuzz case ran."""
    completed = helpers.COUNTERS.get(COMPLETED, 0)
    if completed < len(OPERATIONS) * len(FUZZ_ROLES):
        pytest.skip(f"only {completed} of {len(OPERATIONS) * len(FUZZ_ROLES)} fuzz cases ran (a -k subset?)")
    assert helpers.COUNTERS[REQUESTS] >= MIN_TOTAL_REQUESTS
