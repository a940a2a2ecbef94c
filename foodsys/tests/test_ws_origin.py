"""Issue 12, finding 9: the WebSocket Origin check (foodsys/realtime/origin.py).

- API clients (bearer subprotocol, ticket, token) may connect without an Origin header.
- A socket with no explicit credentials (a cookie, or nothing) needs the site's own Origin.
- An Origin must match scheme, host and port (the socket's Host, or CSRF_TRUSTED_ORIGINS); a foreign
  Origin is refused even with explicit credentials.
- An unknown /ws/ path is accepted and closed 4404, not a failed handshake.
Each runs in both passes: in-memory channel layer embedded, channels-redis in the services pass.
"""

import pytest
from asgiref.sync import sync_to_async
from rest_framework_simplejwt.tokens import RefreshToken

from foodsys.realtime.testing import (
    TEST_HOST,
    close_code_of,
    handshake_refused,
    raw_ws_communicator,
    run_async,
    session_cookie_header,
    ws_communicator,
)
from foodsys.realtime.tickets import ws_ticket_issue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def site_hosts(settings):
    """A real host list, as in production (test settings allow "*", which hides what Origin checks do)."""
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "foodsys.example", ".foodsys.example"]


def _access(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


def _tenant_path(restaurant) -> str:
    return f"/ws/tenant/{restaurant.tenant_id}/"


def _origin(value: str) -> tuple[bytes, bytes]:
    return b"origin", value.encode()


def _host(value: str) -> tuple[bytes, bytes]:
    return b"host", value.encode()


# --- no Origin: API clients ------------------------------------------------------------------------
@run_async
async def test_a_bearer_client_without_origin_connects(restaurant, owner):
    # given: a mobile app: bearer subprotocol, no Origin header
    communicator = raw_ws_communicator(_tenant_path(restaurant), headers=[TEST_HOST],
                                       subprotocols=["bearer", await sync_to_async(_access)(owner)])

    # when
    connected, subprotocol = await communicator.connect()
    stays_open = await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()

    # then
    assert (connected, subprotocol) == (True, "bearer")
    assert stays_open


@run_async
async def test_a_ticket_client_without_origin_or_host_connects(restaurant, owner):
    # given: a server-side client with a ticket and neither Origin nor Host
    ticket = await sync_to_async(ws_ticket_issue)(user_id=owner.pk)
    communicator = raw_ws_communicator(f"{_tenant_path(restaurant)}?ticket={ticket}")

    # then
    assert await close_code_of(communicator) is None


@run_async
async def test_a_bad_token_without_origin_gets_through_the_origin_check_and_is_closed_4401(restaurant):
    communicator = raw_ws_communicator(_tenant_path(restaurant), subprotocols=["bearer", "not.a.jwt"])

    assert await close_code_of(communicator) == 4401


@run_async
async def test_a_session_cookie_without_origin_is_refused(restaurant, owner):
    # given: ambient credentials only (a cookie) and no Origin
    cookie = await sync_to_async(session_cookie_header)(owner)

    # then
    assert await handshake_refused(raw_ws_communicator(_tenant_path(restaurant), headers=[TEST_HOST, cookie]))
    assert await handshake_refused(raw_ws_communicator(_tenant_path(restaurant), headers=[TEST_HOST]))


# --- an Origin: scheme, host and port ----------------------------------------------------------------
@run_async
async def test_the_sites_own_origin_with_a_cookie_connects(restaurant, owner):
    cookie = await sync_to_async(session_cookie_header)(owner)
    communicator = raw_ws_communicator(_tenant_path(restaurant), headers=[
        _host("localhost:8000"), _origin("http://localhost:8000"), cookie])

    assert await close_code_of(communicator) is None


@pytest.mark.parametrize("origin", [
    "http://localhost:31337",  # same host, another port: another site (the old check let it through)
    "https://localhost:8000",  # another scheme
    "http://localhost",  # no port: port 80, another origin
    "http://evil.example",
    "null",
    "",
])
@run_async
async def test_an_origin_differing_in_scheme_host_or_port_is_refused_with_a_cookie(restaurant, owner, origin):
    cookie = await sync_to_async(session_cookie_header)(owner)
    communicator = raw_ws_communicator(_tenant_path(restaurant), headers=[
        _host("localhost:8000"), _origin(origin), cookie])

    assert await handshake_refused(communicator)


@run_async
async def test_a_foreign_origin_is_refused_even_with_a_bearer_token(restaurant, owner):
    token = await sync_to_async(_access)(owner)
    communicator = raw_ws_communicator(_tenant_path(restaurant), headers=[
        _host("localhost:8000"), _origin("http://localhost:31337")], subprotocols=["bearer", token])

    assert await handshake_refused(communicator)


@run_async
async def test_two_origin_headers_are_refused(restaurant, owner):
    token = await sync_to_async(_access)(owner)
    communicator = raw_ws_communicator(_tenant_path(restaurant), headers=[
        _host("localhost:8000"), _origin("http://localhost:8000"), _origin("http://evil.example")],
        subprotocols=["bearer", token])

    assert await handshake_refused(communicator)


@run_async
async def test_a_host_outside_allowed_hosts_is_no_own_origin(settings, restaurant, owner):
    # given: a DNS-rebinding page: Host and Origin agree, but the host is not ours
    settings.ALLOWED_HOSTS = ["foodsys.example"]
    cookie = await sync_to_async(session_cookie_header)(owner)
    communicator = raw_ws_communicator(_tenant_path(restaurant), headers=[
        _host("rebind.example:8000"), _origin("http://rebind.example:8000"), cookie])

    assert await handshake_refused(communicator)


@run_async
async def test_a_secure_socket_needs_an_https_origin(restaurant, owner):
    cookie = await sync_to_async(session_cookie_header)(owner)

    def socket(origin: str):
        return raw_ws_communicator(_tenant_path(restaurant), scheme="wss",
                                   headers=[_host("foodsys.example"), _origin(origin), cookie])

    assert await handshake_refused(socket("http://foodsys.example"))
    assert await close_code_of(socket("https://foodsys.example")) is None


@run_async
async def test_behind_the_tls_proxy_the_forwarded_scheme_counts(settings, restaurant, owner):
    # given: production's SECURE_PROXY_SSL_HEADER, daphne behind a TLS-terminating proxy (plain ws inside)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    cookie = await sync_to_async(session_cookie_header)(owner)

    def socket(origin: str):
        return raw_ws_communicator(_tenant_path(restaurant), headers=[
            _host("foodsys.example"), (b"x-forwarded-proto", b"https"), _origin(origin), cookie])

    assert await close_code_of(socket("https://foodsys.example")) is None
    assert await handshake_refused(socket("http://foodsys.example"))


@run_async
async def test_csrf_trusted_origins_are_allowed_exactly_and_by_wildcard(settings, restaurant, owner):
    # given: pages served from another origin than the sockets (e.g. make run-stack: :8000 and :8001)
    settings.CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1:8000", "https://*.foodsys.example"]
    cookie = await sync_to_async(session_cookie_header)(owner)

    def socket(origin: str):
        return raw_ws_communicator(_tenant_path(restaurant), headers=[_host("127.0.0.1:8001"), _origin(origin), cookie])

    assert await close_code_of(socket("http://127.0.0.1:8000")) is None
    assert await close_code_of(socket("https://shop.foodsys.example")) is None
    assert await handshake_refused(socket("http://127.0.0.1:8002"))
    assert await handshake_refused(socket("http://shop.foodsys.example"))  # the wildcard's scheme is https


# --- unknown paths -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/ws/nope/", "/ws/", "/not-ws/at-all", "/ws/tenant/"])
@run_async
async def test_an_unknown_path_is_a_clean_4404_close(owner, path):
    token = await sync_to_async(_access)(owner)

    assert await close_code_of(ws_communicator(path)) == 4404
    assert await close_code_of(ws_communicator(path, subprotocols=["bearer", token])) == 4404
    assert await close_code_of(raw_ws_communicator(path, subprotocols=["bearer", token])) == 4404


@run_async
async def test_an_unknown_path_still_needs_a_good_origin(owner):
    communicator = raw_ws_communicator("/ws/nope/", headers=[TEST_HOST, _origin("http://evil.example")])

    assert await handshake_refused(communicator)
