"""The client's IP address: the one answer to "who is asking?" by network, for every per-IP limit.

    from foodsys.common.client_ip import client_ip

    client_ip(request)  # "203.0.113.7"

With no trusted proxy configured (the default) it is REMOTE_ADDR and X-Forwarded-For is ignored: any
client can write that header. Behind reverse proxies, settings say which hops to believe:

- TRUSTED_PROXY_COUNT = n: the last n hops (REMOTE_ADDR, then X-Forwarded-For from the right) are our
  proxies, each of which appended the address it saw; the client is the entry before them.
- TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.10"]: a hop is ours when its address is in one of these
  networks; the walk from the right goes on through such hops and stops at the first other address.
- Both set: at most TRUSTED_PROXY_COUNT hops, each of them in TRUSTED_PROXIES.

The walk starts at REMOTE_ADDR (the peer that really connected): when that is not a trusted hop, the
header is not read at all. Entries left of the client are whatever the client sent and are never
read. A malformed entry (not an address, `unknown`, empty) ends the walk: the answer is then the last
hop that was believed, i.e. the trusted proxy that passed it on, never the client's own claim.
Entries may carry a port (`1.2.3.4:5678`, `[2001:db8::1]:443`); an IPv4-mapped IPv6 address is
answered in its IPv4 form.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from foodsys.common.memo import process_memo

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_trusted_networks = process_memo("client_ip.trusted_networks", max_entries=16)


def client_ip(request: HttpRequest) -> str:
    """The client address for `request` (REMOTE_ADDR unless trusted proxies say otherwise); '' if none."""
    remote = request.META.get("REMOTE_ADDR") or ""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if count <= 0 and not networks:
        return _canonical(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [entry.strip() for entry in forwarded.split(",")] if forwarded.strip() else []
    chain = [*hops, remote]  # chain[-1] connected to us; each proxy appended the address it saw
    believed = len(chain) - 1
    while believed > 0 and _trusted(chain[believed], position=len(chain) - 1 - believed,
                                    count=count, networks=networks):
        candidate = _parse(chain[believed - 1])
        if candidate is None:  # malformed: stop at the proxy that passed it on
            break
        believed -= 1
    return _canonical(chain[believed])


def _trusted(hop: str, *, position: int, count: int, networks: tuple[IPNetwork, ...]) -> bool:
    """Whether `hop`, `position` hops from our side (0 = REMOTE_ADDR), is one of our proxies."""
    if count > 0 and position >= count:
        return False
    if not networks:
        return True  # counted hops only (e.g. a proxy reached through a unix socket)
    address = _parse(hop)
    return address is not None and any(address in network for network in networks)


def _parse(value: str) -> IPAddress | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6] or [v6]:port
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _canonical(value: str) -> str:
    address = _parse(value)
    return str(address) if address is not None else value.strip()


def _networks(raw: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    networks = _trusted_networks.get(raw)
    if networks is None:
        try:
            networks = tuple(ipaddress.ip_network(item.strip(), strict=False) for item in raw if item.strip())
        except ValueError as exc:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from None
        _trusted_networks.set(raw, networks)
    return networks
