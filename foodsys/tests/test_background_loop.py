"""BackgroundSender: fire-and-forget async sends from sync code, one at a time, bounded."""

import asyncio
import logging
import threading

import pytest

from foodsys.common.background_loop import BackgroundSender

IDLE_TIMEOUT = 10.0  # generous: only a broken sender takes this long


@pytest.fixture
def gate():
    """A send blocked on this stays pending until the test opens it (always opened at teardown)."""
    event = threading.Event()
    yield event
    event.set()


def _recording(sent: list, value, *, delay: float = 0.0):
    async def send():
        await asyncio.sleep(delay)
        sent.append(value)
    return send


def _blocked_on(gate: threading.Event, sent: list, value):
    async def send():
        await asyncio.get_running_loop().run_in_executor(None, gate.wait, IDLE_TIMEOUT * 3)
        sent.append(value)
    return send


def test_sends_run_one_at_a_time_in_submission_order():
    # given: earlier sends take longer, so sends running side by side would finish in reverse
    sender = BackgroundSender("test-order")
    sent: list[int] = []
    running = {"now": 0, "most": 0}

    def send(value: int):
        async def run():
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
            await asyncio.sleep((20 - value) / 1000)
            sent.append(value)
            running["now"] -= 1
        return run

    # when
    accepted = [sender.submit(send(value)) for value in range(20)]

    # then
    assert sender.wait_idle(IDLE_TIMEOUT)
    assert accepted == [True] * 20
    assert sent == list(range(20))
    assert running["most"] == 1
    assert sender.dropped == 0


def test_a_failing_send_is_logged_and_later_sends_still_run(caplog):
    # given
    sender = BackgroundSender("test-failing")
    sent: list[str] = []

    async def broken():
        raise ConnectionError("channel layer unreachable")

    def factory_that_raises():
        raise RuntimeError("could not even build the send")

    # when
    with caplog.at_level(logging.WARNING, logger="foodsys.common.background_loop"):
        sender.submit(_recording(sent, "before"))
        sender.submit(broken)
        sender.submit(factory_that_raises)
        sender.submit(_recording(sent, "after"))
        idle = sender.wait_idle(IDLE_TIMEOUT)

    # then
    assert idle
    assert sent == ["before", "after"]
    failures = [r for r in caplog.records if r.getMessage() == "test-failing: a send failed"]
    assert [type(r.exc_info[1]) for r in failures] == [ConnectionError, RuntimeError]


def test_a_send_that_outlives_its_timeout_is_abandoned_and_the_next_runs(caplog):
    # given: a send that never finishes by itself
    sender = BackgroundSender("test-timeout", send_timeout=0.2)
    sent: list[str] = []

    async def forever():
        await asyncio.Event().wait()

    # when
    with caplog.at_level(logging.WARNING, logger="foodsys.common.background_loop"):
        sender.submit(forever)
        sender.submit(_recording(sent, "next"))
        idle = sender.wait_idle(IDLE_TIMEOUT)

    # then
    assert idle
    assert sent == ["next"]
    assert [type(r.exc_info[1]) for r in caplog.records if r.getMessage() == "test-timeout: a send failed"] == [
        TimeoutError]


def test_sends_beyond_max_queued_are_dropped_and_counted(gate, caplog):
    # given: the first send is stuck, so two sends are pending
    sender = BackgroundSender("test-bounded", max_queued=2, send_timeout=IDLE_TIMEOUT * 5)
    sent: list[str] = []
    assert sender.submit(_blocked_on(gate, sent, "stuck"))
    assert sender.submit(_recording(sent, "queued"))

    # when
    with caplog.at_level(logging.WARNING, logger="foodsys.common.background_loop"):
        refused = [sender.submit(_recording(sent, f"over-{n}")) for n in range(3)]

    # then
    assert refused == [False, False, False]
    assert sender.dropped == 3
    assert sum("dropping this one" in r.getMessage() for r in caplog.records) == 3

    # and once the stuck send goes through, the queued one follows and there is room again
    gate.set()
    assert sender.wait_idle(IDLE_TIMEOUT)
    assert sent == ["stuck", "queued"]
    assert sender.submit(_recording(sent, "later"))
    assert sender.wait_idle(IDLE_TIMEOUT)
    assert sent == ["stuck", "queued", "later"]
    assert sender.dropped == 3


def test_wait_idle_is_false_while_a_send_is_stuck_and_true_after(gate):
    # given
    sender = BackgroundSender("test-idle", send_timeout=IDLE_TIMEOUT * 5)
    sent: list[str] = []
    assert sender.wait_idle(0)  # nothing submitted yet
    sender.submit(_blocked_on(gate, sent, "stuck"))

    # when
    while_stuck = sender.wait_idle(0.2)
    gate.set()
    after = sender.wait_idle(IDLE_TIMEOUT)

    # then
    assert (while_stuck, after) == (False, True)
    assert sent == ["stuck"]


def test_call_waits_for_the_result_and_raises_the_coroutines_error():
    # given
    sender = BackgroundSender("test-call")

    async def answer():
        await asyncio.sleep(0)
        return 42

    async def broken():
        raise ConnectionError("layer down")

    # when / then
    assert sender.call(answer, IDLE_TIMEOUT) == 42
    with pytest.raises(ConnectionError, match="layer down"):
        sender.call(broken, IDLE_TIMEOUT)
