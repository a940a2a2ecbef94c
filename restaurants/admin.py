import zoneinfo

from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.utils import timezone

from accounts.models import Membership
from foodsys.common.cache import invalidate_catalog_on_commit
from foodsys.common.exceptions import ApplicationError
from foodsys.tenancy.actor import Actor
from restaurants import services
from restaurants.models import Restaurant


def restaurant_local_time(moment, restaurant: Restaurant) -> str:
    """`moment` on the restaurant's wall clock, e.g. "2026-03-02 19:05 CST" (the admin's times)."""
    if moment is None:
        return "–"
    try:
        zone = zoneinfo.ZoneInfo(restaurant.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M %Z")


class TenantListFilter(admin.SimpleListFilter):
    """Filter a tenant-owned model's changelist by restaurant (tenant)."""

    title = "restaurant"
    parameter_name = "tenant"

    def lookups(self, request, model_admin):
        return [(str(tid), name) for tid, name in Restaurant.objects.order_by("name").values_list("tenant_id", "name")]

    def queryset(self, request, queryset):
        return queryset.for_tenant(self.value()) if self.value() else queryset


class ServiceAdmin(admin.ModelAdmin):
    """An admin whose writes go through the services: a service's refusal (ApplicationError, raised
    inside the admin's transaction, so nothing was saved) is shown as a message on the same form."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Restaurant)
class RestaurantAdmin(ServiceAdmin):
    list_display = ("name", "city", "timezone", "currency", "is_active", "accepting_orders", "created_local")
    list_filter = ("is_active", "city", "accepting_orders")
    search_fields = ("name", "email", "=tenant_id")
    readonly_fields = ("tenant_id", "cuisine_tags", "created_local", "updated_local", "members")
    ordering = ("name",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="Created (restaurant time)", ordering="created_at")
    def created_local(self, restaurant: Restaurant) -> str:
        return restaurant_local_time(restaurant.created_at, restaurant)

    @admin.display(description="Updated (restaurant time)")
    def updated_local(self, restaurant: Restaurant) -> str:
        return restaurant_local_time(restaurant.updated_at, restaurant)

    @admin.display(description="Members")
    def members(self, restaurant: Restaurant) -> str:
        memberships = Membership.objects.for_tenant(restaurant).select_related("user").order_by("role", "user__email")
        return ", ".join(f"{m.user.email} ({m.get_role_display().lower()})" for m in memberships) or "–"

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # restaurants are deactivated (is_active), never deleted: their orders stay

    def save_model(self, request, obj, form, change):
        """Changes go through the services as the admin user (role "admin")."""
        if not change:
            # No service creates a restaurant without an owner account; the admin's add stays a plain save.
            super().save_model(request, obj, form, change)
            invalidate_catalog_on_commit(obj.tenant_id, restaurant_changed=True)
            return
        actor = Actor.admin(request.user)
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.UPDATABLE_FIELDS}
        if data:
            services.restaurant_update(restaurant=obj, data=data, actor=actor)
        if "is_active" in form.changed_data:
            toggle = services.restaurant_reactivate if obj.is_active else services.restaurant_deactivate
            toggle(restaurant=obj, actor=actor)
