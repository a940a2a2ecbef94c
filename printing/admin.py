from django.contrib import admin

from printing.models import PrintDevice, PrintJob


@admin.register(PrintDevice)
class PrintDeviceAdmin(admin.ModelAdmin):
    list_display = ("name", "tenant", "kind", "paper_width", "prints_new_orders", "is_active", "last_seen_at")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "tenant__name")
    readonly_fields = ("token_hash", "created_by", "created_at", "last_seen_at")


@admin.register(PrintJob)
class PrintJobAdmin(admin.ModelAdmin):
    """Read-only: jobs change only through claims, acks and reprints (printing.services)."""

    list_display = ("order", "device", "copy", "status", "attempts", "created_at", "printed_at")
    list_filter = ("status",)
    list_select_related = ("order", "device")
    search_fields = ("order__order_number", "device__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
