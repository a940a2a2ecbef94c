"""Hands committed outbox events to their transport. (Being written by the pipeline engineer.)"""


def events_committed(event_ids: list[int]) -> None:
    """Placeholder until the pipeline lands: the relay publishes the rows."""
    return None
