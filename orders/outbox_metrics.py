"""The outbox backlog as scrape-time Prometheus metrics; registered by `OrdersConfig.ready()`."""

import logging
import time

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from orders.models import OutboxEvent

logger = logging.getLogger(__name__)


class OutboxCollector(Collector):
    """`foodsys_outbox_backlog` (unpublished rows, counted up to BACKLOG_COUNT_CAP) and
    `foodsys_outbox_oldest_unpublished_age_seconds`; `foodsys_outbox_up` is 0 when the database could not
    be asked. Both queries walk the partial index on unpublished ids, so a large backlog stays cheap."""

    BACKLOG_COUNT_CAP = 100_000

    def describe(self):  # registering must not query the database (it runs in AppConfig.ready)
        return [GaugeMetricFamily(name, "") for name in (
            "foodsys_outbox_up", "foodsys_outbox_backlog", "foodsys_outbox_oldest_unpublished_age_seconds")]

    def collect(self):
        up = GaugeMetricFamily("foodsys_outbox_up", "1 when the outbox backlog could be read.")
        try:
            unpublished = OutboxEvent.objects.filter(published_at__isnull=True)
            backlog = unpublished.values("id")[:self.BACKLOG_COUNT_CAP].count()
            oldest = unpublished.order_by("id").values_list("created_at", flat=True).first()
        except Exception as exc:  # the scrape must still answer: report the failure as a metric
            logger.warning("outbox metrics unavailable: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("foodsys_outbox_backlog", f"Outbox events not yet published (counted up to "
                                f"{self.BACKLOG_COUNT_CAP}).", value=backlog)
        age = time.time() - oldest.timestamp() if oldest else 0.0
        yield GaugeMetricFamily("foodsys_outbox_oldest_unpublished_age_seconds",
                                "Age of the oldest unpublished outbox event (0 when none).", value=max(age, 0.0))
