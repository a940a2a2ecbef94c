from django.contrib import admin
from django.db import models

from foodsys.common.cache import invalidate_catalog_on_commit
from restaurants.models import Restaurant


class TenantListFilter(admin.SimpleListFilter):
    """Filter a tenant-owned model's changelist by restaurant (tenant)."""

    title = "restaurant"
    parameter_name = "tenant"

    def lookups(self, request, model_admin):
        return [(str(tid), name) for tid, name in Restaurant.objects.order_by("name").values_list("tenant_id", "name")]

    def queryset(self, request, queryset):
        return queryset.for_tenant(self.value()) if self.value() else queryset


@admin.register(Restaurant)
class RestaurantAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "currency", "is_active", "accepting_orders", "tenant_id", "created_at")
    list_filter = ("is_active", "city", "accepting_orders")
    search_fields = ("name", "email", "=tenant_id")
    readonly_fields = ("tenant_id", "cuisine_tags", "created_at", "updated_at")
    ordering = ("name",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # restaurants are deactivated (is_active), never deleted: their orders stay

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        invalidate_catalog_on_commit(obj.tenant_id, restaurant_changed=True)
