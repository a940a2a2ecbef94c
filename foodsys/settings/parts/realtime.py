"""WebSocket settings: ticket lifetime and how often long connections re-check access."""

from foodsys.env import env

# A ticket from POST /api/auth/ws-ticket/ is valid this long, and for one connection only.
WS_TICKET_TTL_SECONDS = env.int("WS_TICKET_TTL_SECONDS", default=60)
# Open sockets re-check that the user is still active and still a member this often.
WS_RECHECK_SECONDS = env.float("WS_RECHECK_SECONDS", default=120.0)
# Where browsers open WebSockets when /ws/ is not served from the pages' own origin (make run-stack:
# gunicorn serves pages on :8000, daphne serves /ws/ on :8001). Empty = same origin.
WS_PUBLIC_BASE = env.str("WS_PUBLIC_BASE", default="")
