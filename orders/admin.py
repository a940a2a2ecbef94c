"""Django admin for orders (read-only except the cancel action) and the outbox (read-only).

Read for people: order lines as "2 × Margherita (Large)", the address and options as text (not JSON),
and every time in the restaurant's own time zone; the changelist keeps few columns so it fits a phone."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html_join

from foodsys.common.exceptions import ApplicationError
from foodsys.tenancy.actor import Actor
from orders.models import Order, OrderLine, OrderStatusChange, OutboxEvent
from orders.services import order_cancel_by_admin
from restaurants.admin import restaurant_local_time

ADDRESS_ORDER = ("street", "apartment", "city", "state", "zip_code", "country")
ORDER_TIMES = (
    ("confirmed_at", "Confirmed"), ("preparing_at", "Preparing"), ("ready_at", "Ready"),
    ("out_for_delivery_at", "Out for delivery"), ("delivered_at", "Delivered"), ("cancelled_at", "Cancelled"),
    ("estimated_ready_at", "Estimated ready"), ("estimated_delivery_at", "Estimated delivery"),
    ("updated_at", "Last change"),
)


def address_text(address) -> str:
    """{"street": "1 Main St", "city": "Springfield", ...} -> "1 Main St, Springfield, IL 62701"."""
    if not isinstance(address, dict) or not address:
        return "–"
    parts = [str(address[key]) for key in ("street", "apartment", "city") if address.get(key)]
    region = " ".join(str(address[key]) for key in ("state", "zip_code") if address.get(key))
    parts += [region] if region else []
    parts += [str(address["country"])] if address.get("country") else []
    parts += [f"{key.replace('_', ' ')}: {value}" for key, value in address.items()
              if key not in ADDRESS_ORDER and value not in (None, "")]
    return ", ".join(parts) or "–"


def options_text(options) -> str:
    """[{"group": "Size", "name": "Large", "price_delta": "4.00"}] -> "Size: Large (+4.00)"."""
    if not isinstance(options, list) or not options:
        return "–"
    texts = []
    for option in options:
        if not isinstance(option, dict):
            continue
        text = f"{option['group']}: {option.get('name', '')}" if option.get("group") else str(option.get("name", ""))
        delta = str(option.get("price_delta") or "")
        if delta and delta.strip("0.") != "":
            text += f" ({'' if delta.startswith('-') else '+'}{delta})"
        texts.append(text)
    return "; ".join(texts) or "–"


class ReadOnlyInline(admin.StackedInline):
    """Stacked, not tabular: the rows stay readable on a phone instead of scrolling sideways."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("unit_price", "chosen_options", "special_instructions", "line_total")  # its title: "2 × Margherita"
    readonly_fields = fields

    @admin.display(description="Options")
    def chosen_options(self, line: OrderLine) -> str:
        return options_text(line.options)


class OrderStatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ("at_local", "by", "reason")  # its title: "pending → confirmed (automatic)"
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tenant", "by")

    @admin.display(description="At (restaurant time)")
    def at_local(self, change: OrderStatusChange) -> str:
        return restaurant_local_time(change.at, change.tenant)


class CancelReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("order_number", "restaurant", "status", "total_with_currency", "placed")
    list_filter = (("tenant", admin.RelatedOnlyFieldListFilter), "status", "payment_status", "payment_method")
    search_fields = ("order_number", "customer__email")
    list_select_related = ("tenant", "customer")
    date_hierarchy = "created_at"
    inlines = (OrderLineInline, OrderStatusChangeInline)
    actions = ("cancel_with_reason",)

    class Media:
        css = {"all": ("css/admin-readable.css",)}  # fits the list to a phone; underlined breadcrumbs (axe)

    # Shown as text or in the restaurant's zone by the display methods below, instead of raw JSON / UTC.
    replaced_fields = frozenset({"delivery_address", "created_at"} | {name for name, _ in ORDER_TIMES})

    def get_readonly_fields(self, request, obj=None):
        fields = [field.name for field in Order._meta.fields if field.name not in self.replaced_fields]
        return [*fields, "placed_local", "address", "times_local"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)  # nothing is edited here, so no raw JSON/UTC inputs

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Restaurant", ordering="tenant__name")
    def restaurant(self, order: Order) -> str:
        return order.tenant.name

    @admin.display(description="Total", ordering="total")
    def total_with_currency(self, order: Order) -> str:
        return f"{order.total} {order.currency}"

    @admin.display(description="Placed (restaurant time)", ordering="created_at")
    def placed_local(self, order: Order) -> str:
        return restaurant_local_time(order.created_at, order.tenant)

    @admin.display(description="Placed (local)", ordering="created_at")
    def placed(self, order: Order) -> str:
        """The list's short-titled column (it has to fit a phone): the restaurant's wall clock too."""
        return restaurant_local_time(order.created_at, order.tenant)

    @admin.display(description="Delivery address")
    def address(self, order: Order) -> str:
        return address_text(order.delivery_address)

    @admin.display(description="Times (restaurant time)")
    def times_local(self, order: Order):
        rows = [(label, restaurant_local_time(getattr(order, name), order.tenant))
                for name, label in ORDER_TIMES if getattr(order, name) is not None]
        return format_html_join("", "<div>{}: {}</div>", rows) or "–"

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
