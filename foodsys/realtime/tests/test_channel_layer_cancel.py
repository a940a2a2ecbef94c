"""A consumer that goes away must stop receiving: cancelling the channel layer's receive() always ends it.

On Python 3.11, redis-py sends each command through asyncio.wait_for when a socket timeout is set, and
wait_for loses a cancellation that arrives as the send completes (CPython gh-86296). The receive then
looped on BZPOPMIN for ever: one leaked task and connection per disconnect, and a test loop that never
closed. The layer is configured without a client socket timeout; this test holds that line against the
real Redis with the project's own CHANNEL_LAYERS setting.
"""

import asyncio
import random

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

pytestmark = pytest.mark.redis

ATTEMPTS = 150
# Cancels land before the first await, during the connection handshake and during the blocking pop.
DELAYS = (0, 0.0005, 0.001, 0.002, 0.005, 0.02)


async def _cancel_receives(layer, attempts: int) -> list[int]:
    rng = random.Random(86296)
    lost = []
    for attempt in range(attempts):
        receive = asyncio.ensure_future(layer.receive(await layer.new_channel()))
        await asyncio.sleep(rng.choice(DELAYS))
        receive.cancel()
        done, _ = await asyncio.wait([receive], timeout=2)
        if not done:
            lost.append(attempt)
            while not receive.done():  # leave nothing running for the next test
                receive.cancel()
                await asyncio.wait([receive], timeout=1)
    return lost


def test_a_cancelled_receive_always_ends():
    layer = get_channel_layer()
    assert type(layer).__module__.startswith("channels_redis"), "this test is about the Redis layer"
    lost = async_to_sync(_cancel_receives)(layer, ATTEMPTS)
    assert lost == [], f"{len(lost)} of {ATTEMPTS} cancellations were lost (attempts {lost[:10]})"
