from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self):
        from foodsys.observability.collectors import add_scrape_collector
        from orders.outbox_metrics import OutboxCollector

        add_scrape_collector(OutboxCollector)
