"""Django admin for orders (read-only except the cancel action) and the outbox (read-only)."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from foodsys.common.exceptions import ApplicationError
from foodsys.tenancy.actor import Actor
from orders.models import Order, OrderLine, OrderStatusChange, OutboxEvent
from orders.services import order_cancel_by_admin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("name", "quantity", "unit_price", "options", "special_instructions", "line_total")
    readonly_fields = fields


class OrderStatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ("from_status", "to_status", "by", "at", "reason")
    readonly_fields = fields


class CancelReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("order_number", "tenant", "customer", "status", "payment_status", "total", "currency",
                    "created_at")
    list_filter = (("tenant", admin.RelatedOnlyFieldListFilter), "status", "payment_status", "payment_method")
    search_fields = ("order_number", "customer__email")
    list_select_related = ("tenant", "customer")
    date_hierarchy = "created_at"
    inlines = (OrderLineInline, OrderStatusChangeInline)
    actions = ("cancel_with_reason",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Order._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Cancel selected orders (with a reason)")
    def cancel_with_reason(self, request, queryset):
        """Each order goes through order_transition, so the state machine, audit row, outbox event and
        broadcast apply; orders the machine cannot cancel are reported and left alone."""
        form = CancelReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            cancelled, failed = 0, []
            for order in queryset:
                try:
                    order_cancel_by_admin(order_id=order.pk, actor=Actor.admin(request.user),
                                          reason=form.cleaned_data["reason"])
                    cancelled += 1
                except ApplicationError as exc:
                    failed.append(f"{order.order_number}: {exc.message}")
            if cancelled:
                self.message_user(request, f"Cancelled {cancelled} order(s).", messages.SUCCESS)
            for failure in failed:
                self.message_user(request, failure, messages.ERROR)
            return None
        return TemplateResponse(request, "admin/orders/order/cancel_with_reason.html", {
            **self.admin_site.each_context(request),
            "title": "Cancel orders",
            "opts": self.model._meta,
            "orders": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


class PublishedFilter(admin.SimpleListFilter):
    title = "published"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return (("yes", "Published"), ("no", "Not published"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(published_at__isnull=self.value() == "no")
        return queryset


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ("id", "event_type", "tenant", "topic", "created_at", "published_at", "attempts")
    list_filter = (PublishedFilter, ("tenant", admin.RelatedOnlyFieldListFilter), "event_type")
    search_fields = ("event_id",)
    list_select_related = ("tenant",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in OutboxEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
