from orders.outbox_metrics import OutboxCollector


def _samples(collector) -> dict:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in collector.collect() for sample in family.samples}


def test_outbox_collector_reports_zero_backlog_when_everything_is_published(db):
    samples = _samples(OutboxCollector())

    assert samples[("foodsys_outbox_up", ())] == 1
    assert samples[("foodsys_outbox_backlog", ())] == 0
    assert samples[("foodsys_outbox_oldest_unpublished_age_seconds", ())] == 0


def test_outbox_collector_reports_down_instead_of_failing_the_scrape(db, monkeypatch):
    from orders.models import OutboxEvent

    def unreachable(*args, **kwargs):
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(OutboxEvent.objects, "filter", unreachable)

    samples = _samples(OutboxCollector())

    assert samples == {("foodsys_outbox_up", ()): 0}
