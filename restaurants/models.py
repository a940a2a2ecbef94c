import uuid
import zoneinfo

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from foodsys.common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from foodsys.tenancy.models import TenantScopedModel, tenant_index
from restaurants.hours import is_open_at

CUISINE_TAG_SEPARATOR = "|"


def cuisine_tags_for(cuisines) -> str:
    """'|italian|pizza|': a lower-cased text column, so a cuisine filter is a portable LIKE on any database."""
    tags = sorted({str(c).strip().lower() for c in cuisines or [] if str(c).strip()})
    return f"{CUISINE_TAG_SEPARATOR}{CUISINE_TAG_SEPARATOR.join(tags)}{CUISINE_TAG_SEPARATOR}" if tags else ""


def is_paused_at(*, accepting_orders: bool, paused_until, now) -> bool:
    """Paused when not accepting orders, until `paused_until` passes (then it resumes by itself)."""
    if accepting_orders:
        return False
    return paused_until is None or paused_until > now


class RestaurantQuerySet(models.QuerySet):
    def active(self) -> "RestaurantQuerySet":
        return self.filter(is_active=True)


class Restaurant(models.Model):
    """A restaurant is a tenant; `tenant_id` is its public, immutable UUID."""

    tenant_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    cuisines = models.JSONField(default=list, blank=True)
    cuisine_tags = models.CharField(max_length=1200, blank=True, default="", editable=False)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    image_url = models.URLField(blank=True, max_length=500)

    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True, db_index=True)
    state = models.CharField(max_length=100, blank=True)
    zip_code = models.CharField(max_length=20, blank=True)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    timezone = models.CharField(max_length=64, default="UTC")  # an IANA zone, validated on input
    # {"monday": [{"open": "11:00", "close": "15:00"}, ...]}; null means open around the clock.
    opening_hours = models.JSONField(null=True, blank=True)

    delivery_fee = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
                                       default=0, validators=[MinValueValidator(0)])
    minimum_order = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
                                        default=0, validators=[MinValueValidator(0)])
    # A fraction (0.08875 = 8.875 %): real sales-tax rates have three decimals in percent, so six here.
    tax_rate = models.DecimalField(max_digits=7, decimal_places=6, default=0,
                                   validators=[MinValueValidator(0), MaxValueValidator(1)])
    currency = models.CharField(max_length=3, default="USD")
    estimated_delivery_minutes = models.PositiveIntegerField(default=30, validators=[MaxValueValidator(600)])

    is_active = models.BooleanField(default=True)
    accepting_orders = models.BooleanField(default=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    # Busy mode: every quote gets `busy_extra_prep_minutes` more until `busy_until` passes (then it ends by itself).
    busy_until = models.DateTimeField(null=True, blank=True)
    busy_extra_prep_minutes = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(240)])
    # New orders go straight to confirmed (recorded as automatic in the timeline).
    auto_accept = models.BooleanField(default=False)
    # The board turns a card amber past this age and red past twice it.
    target_prep_minutes = models.PositiveIntegerField(default=20, validators=[MinValueValidator(1),
                                                                             MaxValueValidator(240)])
    # Fulfilment and scheduled-order slots (restaurants.slots). A slot's capacity holds per fulfilment type
    # (delivery and pickup each have it); null capacity means unlimited.
    pickup_enabled = models.BooleanField(default=True)
    delivery_enabled = models.BooleanField(default=True)
    slot_minutes = models.PositiveSmallIntegerField(default=15, validators=[MinValueValidator(5),
                                                                            MaxValueValidator(120)])
    schedule_days_ahead = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(14)])
    slot_capacity_orders = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1),
                                                                                          MaxValueValidator(10000)])
    slot_capacity_load = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1),
                                                                                        MaxValueValidator(100000)])
    # Automatic load shedding (orders.shedding): when the ASAP quote would pass `max_wait_minutes`, ASAP
    # ordering closes by itself and reopens below it (with hysteresis). Null: never shed.
    max_wait_minutes = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1),
                                                                                      MaxValueValidator(1440)])
    shedding_since = models.DateTimeField(null=True, blank=True)  # hysteresis memory: when shedding began
    shedding_override_until = models.DateTimeField(null=True, blank=True)  # owner keeps ASAP open until then

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestaurantQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["is_active", "city"], name="restaurant_active_city")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A derived search column, kept in step wherever the row is saved (services, admin, factories).
        self.cuisine_tags = cuisine_tags_for(self.cuisines)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "cuisines" in update_fields:
            kwargs["update_fields"] = {*update_fields, "cuisine_tags"}
        super().save(*args, **kwargs)

    @property
    def tenant(self) -> "Restaurant":
        return self

    def is_paused(self, now=None) -> bool:
        return is_paused_at(accepting_orders=self.accepting_orders, paused_until=self.paused_until,
                            now=now or timezone.now())

    def is_busy(self, now=None) -> bool:
        return self.busy_until is not None and self.busy_until > (now or timezone.now())

    def busy_extra_minutes(self, now=None) -> int:
        """The extra minutes busy mode adds to a quote right now (0 when not busy)."""
        return self.busy_extra_prep_minutes if self.is_busy(now) else 0

    def is_open_at(self, when) -> bool:
        return is_open_at(self.opening_hours, zoneinfo.ZoneInfo(self.timezone), when)

    @property
    def is_open_now(self) -> bool:
        return self.is_open_at(timezone.now())


class ZoneKind(models.TextChoices):
    POSTCODES = "postcodes", "A list of postcodes"
    RADIUS = "radius", "A radius around the restaurant"
    POLYGON = "polygon", "A drawn area (GeoJSON)"


class DeliveryZone(TenantScopedModel):
    """Where a restaurant delivers, at what fee and minimum (restaurants.zones matches an address;
    restaurants.zone_services validates and writes). Its tenant is the restaurant."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=ZoneKind.choices)
    postcodes = models.JSONField(default=list, blank=True)  # normalised: upper-case, no spaces
    radius_km = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True,
                                    validators=[MinValueValidator(0), MaxValueValidator(100)])
    polygon = models.JSONField(null=True, blank=True)  # a GeoJSON Polygon or MultiPolygon, [lng, lat] pairs
    delivery_fee = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
                                       default=0, validators=[MinValueValidator(0)])
    minimum_order = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
                                        default=0, validators=[MinValueValidator(0)])
    free_delivery_over = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
                                             null=True, blank=True, validators=[MinValueValidator(0)])
    # Delivery travel estimate for the ETA (deliver_at = ready_at + this); null: the restaurant's
    # estimated_delivery_minutes.
    travel_minutes = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(600)])
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [tenant_index("is_active", "position", name="deliveryzone_tenant_active")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
