"""Deletes published outbox rows older than --days (default settings.OUTBOX_RETENTION_DAYS)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orders.relay import outbox_prune


class Command(BaseCommand):
    help = "Delete published outbox events older than N days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        days = settings.OUTBOX_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be >= 0")
        deleted = outbox_prune(older_than_days=days)
        self.stdout.write(f"deleted {deleted} published outbox events older than {days} days")
