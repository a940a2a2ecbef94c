"""The abstract base every tenant-owned model inherits: a non-null tenant FK and a scoped manager.

The tenant is a Restaurant (named by settings.TENANT_MODEL, so this module imports no app); the FK
targets its public UUID (`tenant_id`), so `obj.tenant_id` is the tenant UUID on every model, and
indexes lead with that column.
"""

import uuid

from django.conf import settings
from django.db import models


class TenantQuerySet(models.QuerySet):
    def for_tenant(self, tenant) -> "TenantQuerySet":
        """Scope to one tenant: a Restaurant, or its tenant UUID. None is refused, never 'all'."""
        if tenant is None:
            raise ValueError("for_tenant() needs a tenant; refusing to build an unscoped query.")
        tenant_id = tenant if isinstance(tenant, uuid.UUID | str) else tenant.tenant_id
        return self.filter(tenant_id=tenant_id)


TenantManager = models.Manager.from_queryset(TenantQuerySet)


class TenantScopedModel(models.Model):
    tenant = models.ForeignKey(
        settings.TENANT_MODEL,
        to_field="tenant_id",
        db_column="tenant_id",
        on_delete=models.PROTECT,
        related_name="+",
        # No single-column index: every tenant model has (tenant, ...) indexes that serve the same
        # lookups (tests/test_tenancy_guard.py insists), and each extra index costs every insert.
        db_index=False,
    )

    objects = TenantManager()

    class Meta:
        abstract = True


def tenant_index(*fields: str, name: str) -> models.Index:
    """A compound index that starts with the tenant, as every tenant-scoped lookup does."""
    return models.Index(fields=["tenant", *fields], name=name)
