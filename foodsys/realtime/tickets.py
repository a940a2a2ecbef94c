"""Short-lived, single-use WebSocket tickets: a JWT client trades its token for one over HTTPS,
then opens `wss://.../ws/...?ticket=<ticket>`, so no long-lived credential lands in a URL or a log.
"""

import secrets

from django.conf import settings
from django.core.cache import cache

from foodsys.tenancy import keys

MAX_TICKET_LENGTH = 128


def ws_ticket_issue(*, user_id: int) -> str:
    ticket = secrets.token_urlsafe(32)
    cache.set(keys.ws_ticket_key(ticket), int(user_id), timeout=settings.WS_TICKET_TTL_SECONDS)
    return ticket


def ws_ticket_redeem(*, ticket: str) -> int | None:
    """The user id the ticket was issued to, once; None when unknown, expired or already used."""
    if not ticket or len(ticket) > MAX_TICKET_LENGTH:
        return None
    key = keys.ws_ticket_key(ticket)
    user_id = cache.get(key)
    # delete() reports whether this call removed the key: of two racing redeemers only one wins.
    if user_id is None or not cache.delete(key):
        return None
    return int(user_id)
