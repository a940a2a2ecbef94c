"""foodsys.common.client_ip: X-Forwarded-For is believed only through trusted proxy hops."""

import time
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from foodsys.common.client_ip import client_ip
from foodsys.common.exceptions import RateLimitedError
from foodsys.common.ratelimit import check_rate

PROXY = "10.0.0.1"


def _request(remote: str = PROXY, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = []


@pytest.fixture
def proxy_network(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.10"]


# --- no proxy configured (the default) -----------------------------------------------------------
def test_without_a_trusted_proxy_a_forged_header_is_ignored(settings):
    assert settings.TRUSTED_PROXY_COUNT == 0 and settings.TRUSTED_PROXIES == []

    assert client_ip(_request("198.51.100.5", "203.0.113.9")) == "198.51.100.5"
    assert client_ip(_request("198.51.100.5")) == "198.51.100.5"


def test_a_per_ip_limit_without_a_proxy_cannot_be_escaped_by_forging_the_header(monkeypatch):
    now = time.time()
    monkeypatch.setattr("foodsys.common.ratelimit.time", SimpleNamespace(time=lambda: now))
    check_rate(_request("198.51.100.6", "203.0.113.1"), group="t-xff", key="ip", rate="1/m")

    with pytest.raises(RateLimitedError):
        check_rate(_request("198.51.100.6", "203.0.113.2"), group="t-xff", key="ip", rate="1/m")


# --- a count of trusted proxies ------------------------------------------------------------------
def test_one_trusted_proxy_gives_the_address_it_saw(one_proxy):
    assert client_ip(_request(PROXY, "203.0.113.7")) == "203.0.113.7"


def test_a_forged_left_most_entry_behind_a_trusted_proxy_is_not_believed(one_proxy):
    # the client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it really saw
    assert client_ip(_request(PROXY, "6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request(PROXY, "6.6.6.6,203.0.113.7")) == "203.0.113.7"


def test_two_trusted_proxies_skip_exactly_two_hops(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(_request(PROXY, "6.6.6.6, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"


def test_a_direct_connection_without_the_header_is_its_own_address(one_proxy):
    assert client_ip(_request("198.51.100.8")) == "198.51.100.8"
    assert client_ip(_request("198.51.100.8", "")) == "198.51.100.8"


def test_behind_one_proxy_two_clients_have_their_own_budgets(one_proxy, monkeypatch):
    now = time.time()
    monkeypatch.setattr("foodsys.common.ratelimit.time", SimpleNamespace(time=lambda: now))
    check_rate(_request(PROXY, "203.0.113.20"), group="t-proxy", key="ip", rate="1/m")

    check_rate(_request(PROXY, "203.0.113.21"), group="t-proxy", key="ip", rate="1/m")  # not refused
    with pytest.raises(RateLimitedError):
        check_rate(_request(PROXY, "6.6.6.6, 203.0.113.20"), group="t-proxy", key="ip", rate="1/m")


# --- trusted proxy addresses ---------------------------------------------------------------------
def test_trusted_proxy_networks_are_walked_from_the_right(proxy_network):
    assert client_ip(_request("10.0.0.1", "6.6.6.6, 203.0.113.7, 192.0.2.10, 10.1.2.3")) == "203.0.113.7"


def test_a_peer_outside_the_trusted_networks_is_the_client_whatever_it_sends(proxy_network):
    assert client_ip(_request("198.51.100.9", "203.0.113.7")) == "198.51.100.9"


def test_a_count_and_networks_together_trust_at_most_that_many_listed_hops(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_ip(_request("10.0.0.1", "203.0.113.7, 10.0.0.2")) == "10.0.0.2"
    assert client_ip(_request("198.51.100.1", "203.0.113.7")) == "198.51.100.1"


def test_a_bad_trusted_proxies_setting_is_a_configuration_error(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]

    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        client_ip(_request(PROXY, "203.0.113.7"))


# --- malformed headers fall back to the last believed hop ----------------------------------------
@pytest.mark.parametrize("forwarded", ["garbage", "unknown", " , ", "203.0.113.7, not-an-ip", "1.2.3.4.5",
                                       "203.0.113.7;rm -rf", "\x00", "::ffff:zz"])
def test_a_malformed_header_falls_back_to_the_proxy_address(one_proxy, forwarded):
    assert client_ip(_request(PROXY, forwarded)) == PROXY


def test_a_malformed_hop_beyond_the_client_is_never_read(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(_request(PROXY, "not-an-ip, 203.0.113.7")) == "203.0.113.7"


@pytest.mark.parametrize(("forwarded", "expected"), [
    ("203.0.113.7:5555", "203.0.113.7"),
    ("[2001:db8::1]:443", "2001:db8::1"),
    ("2001:DB8::1", "2001:db8::1"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
])
def test_ports_brackets_and_mapped_addresses_are_understood(one_proxy, forwarded, expected):
    assert client_ip(_request(PROXY, forwarded)) == expected
