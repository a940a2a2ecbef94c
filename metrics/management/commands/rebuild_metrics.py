"""Recomputes the live metrics from the orders table (all tenants, or --tenant). Logic: metrics/services.py."""

import uuid

from django.core.management.base import BaseCommand, CommandError

from foodsys.common.exceptions import NotFoundError
from metrics.live import MetricsPusher
from metrics.services import metrics_rebuild


class Command(BaseCommand):
    help = "Rebuild every metrics aggregate from the orders table; safe while the consumer runs."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", type=uuid.UUID, default=None, help="Only this tenant UUID.")
        parser.add_argument("--push", action="store_true",
                            help="Push each rebuilt snapshot to the tenant's live dashboards (metrics.update).")

    def handle(self, *args, tenant, push, **options):
        from restaurants.models import Restaurant

        tenants = [tenant] if tenant else list(Restaurant.objects.order_by("id").values_list("tenant_id", flat=True))
        notifier = MetricsPusher(min_interval=0) if push else None
        for tenant_id in tenants:
            try:
                result = metrics_rebuild(tenant_id=tenant_id, notifier=notifier)
            except NotFoundError as exc:
                raise CommandError(f"{tenant_id}: {exc.message}")
            self.stdout.write(f"{result.tenant_id}: {result.orders} orders, {result.reflected_events} events "
                              f"reflected, {result.caught_up_events} applied after the snapshot")
