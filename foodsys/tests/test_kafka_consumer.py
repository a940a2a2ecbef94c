"""The batch runner's bookkeeping, without a broker."""

from foodsys.kafka.consumer import _batch_ends


class FakeMessage:
    def __init__(self, partition: int, offset: int):
        self._partition, self._offset = partition, offset

    def topic(self):
        return "order-events"

    def partition(self):
        return self._partition

    def offset(self):
        return self._offset


def test_a_batch_commits_past_the_highest_offset_of_each_partition():
    # given: two partitions interleaved, one of them not in offset order
    messages = [FakeMessage(0, 10), FakeMessage(1, 3), FakeMessage(0, 12), FakeMessage(0, 11), FakeMessage(1, 4)]

    # when
    ends = _batch_ends(messages)

    # then
    assert ends == {("order-events", 0): 13, ("order-events", 1): 5}
    assert _batch_ends([]) == {}
