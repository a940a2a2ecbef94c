"""WebSocket transport for order and metrics events: join groups, forward messages, nothing else.

Authentication happens in scope middleware (foodsys/realtime/auth.py); access rules live in
foodsys/realtime/access.py. Group messages carry `payload` = {type, data, sent_at}, sent as is.
"""

import asyncio
import contextlib
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from redis.exceptions import RedisError

from foodsys.observability import metrics as prometheus
from foodsys.realtime import access
from foodsys.tenancy import keys

logger = logging.getLogger(__name__)

# The channel layer (Redis) is unreachable; pages reconnect with backoff. (1013 "try again later" would
# say the same, but servers may only send 1000 or 3000-4999.)
CLOSE_TRY_AGAIN_LATER = 4503
CHANNEL_LAYER_ERRORS = (RedisError, OSError)


class GroupStreamConsumer(AsyncJsonWebsocketConsumer):
    """Accepts, joins `self.stream_groups`, re-checks access periodically and forwards payloads."""

    stream_groups: list[str]
    _recheck_task: asyncio.Task | None = None

    async def authorize(self, user) -> tuple[int | None, list[str]]:
        """(close code to refuse with, or None; groups to join)."""
        raise NotImplementedError

    async def still_allowed(self, user) -> bool:
        raise NotImplementedError

    async def __call__(self, scope, receive, send):
        """Channels' receive loop raises once the channel layer is unreachable. Unhandled, the server would
        close with 1011 but never run disconnect(): the re-check task would live on, re-adding the dead
        channel to its groups, and the open-socket gauge would never drop. Close and clean up instead."""
        self.stream_groups = []
        try:
            await super().__call__(scope, receive, send)
        except CHANNEL_LAYER_ERRORS:
            logger.warning("Channel layer unavailable; closing the WebSocket with %d", CLOSE_TRY_AGAIN_LATER,
                           exc_info=True)
            with contextlib.suppress(Exception):  # the client may be gone already
                await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN_LATER})
            with contextlib.suppress(*CHANNEL_LAYER_ERRORS):  # group_discard cannot reach Redis either
                await self.disconnect(CLOSE_TRY_AGAIN_LATER)

    async def connect(self):
        self.stream_groups = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return await self._refuse(access.CLOSE_UNAUTHENTICATED)
        close_code, groups = await self.authorize(user)
        if close_code is not None:
            return await self._refuse(close_code)
        self.stream_groups = groups  # before joining: should a join fail, disconnect() leaves them all
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept(subprotocol=self.scope.get("accept_subprotocol"))
        prometheus.websocket_opened()
        self._counted = True
        self._recheck_task = asyncio.create_task(self._recheck_forever(user))

    async def _refuse(self, code: int):
        # Accept first: a close before accept becomes an HTTP 403 and the client never sees the code.
        await self.accept(subprotocol=self.scope.get("accept_subprotocol"))
        await self.close(code=code)

    async def _recheck_forever(self, user):
        while True:
            await asyncio.sleep(settings.WS_RECHECK_SECONDS)
            try:
                if not await self.still_allowed(user):
                    await self.close(code=access.CLOSE_FORBIDDEN)
                    return
                # Re-joining refreshes channels-redis' group expiry (a day) for dashboards left open for days.
                for group in self.stream_groups:
                    await self.channel_layer.group_add(group, self.channel_name)
            except Exception:  # the database or Redis briefly away: keep the socket, try again later
                logger.warning("WebSocket access re-check failed; will retry", exc_info=True)

    async def disconnect(self, code):
        if getattr(self, "_counted", False):
            prometheus.websocket_closed()
            self._counted = False
        if self._recheck_task is not None:
            self._recheck_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._recheck_task
        for group in self.stream_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.stream_groups = []

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """The streams are server-to-client; anything a client sends is ignored, without decoding it
        (malformed or deeply nested JSON would otherwise crash the connection)."""

    async def order_created(self, event):
        await self.send_json(event["payload"])

    async def order_updated(self, event):
        await self.send_json(event["payload"])


class TenantStreamConsumer(GroupStreamConsumer):
    """/ws/tenant/<tenant_id>/: a restaurant's orders and live metrics, for its owners, staff and admins."""

    async def authorize(self, user):
        raw_tenant_id = self.scope["url_route"]["kwargs"]["tenant_id"]
        close_code, tenant_id = await database_sync_to_async(access.tenant_stream_access)(
            user=user, tenant_id=raw_tenant_id)
        if close_code is not None:
            return close_code, []
        self.tenant_id = tenant_id
        return None, [keys.tenant_group(tenant_id)]

    async def still_allowed(self, user):
        return await database_sync_to_async(access.tenant_stream_still_allowed)(user=user, tenant_id=self.tenant_id)

    async def metrics_update(self, event):
        await self.send_json(event["payload"])


class CustomerOrdersConsumer(GroupStreamConsumer):
    """/ws/orders/: updates of the signed-in user's own orders."""

    async def authorize(self, user):
        return None, [keys.user_group(user.pk)]

    async def still_allowed(self, user):
        return await database_sync_to_async(access.customer_stream_still_allowed)(user=user)
