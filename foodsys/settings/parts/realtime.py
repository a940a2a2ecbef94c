"""WebSocket settings: ticket lifetime and how often long connections re-check access."""

from foodsys.env import env

# A ticket from POST /api/auth/ws-ticket/ is valid this long, and for one connection only.
WS_TICKET_TTL_SECONDS = env.int("WS_TICKET_TTL_SECONDS", default=60)
# Open sockets re-check that the user is still active and still a member this often.
WS_RECHECK_SECONDS = env.float("WS_RECHECK_SECONDS", default=120.0)
