"""Forms of the management pages. They only parse input; the catalog services validate and write,
and `add_service_error` puts a service's field errors next to the matching inputs."""

import zoneinfo
from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from foodsys.common.forms import ServiceErrorsMixin
from restaurants.currencies import ISO_4217_CODES
from restaurants.hours import WEEKDAYS

PERCENT = Decimal("100")
LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
COMMON_TIMEZONES = (
    "UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
    "America/Mexico_City", "America/Sao_Paulo", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
    "Europe/Rome", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
)
COMMON_CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "MXN", "BRL", "INR", "JPY", "CHF")
SLOT_MINUTES_CHOICES = (10, 15, 20, 30, 60)
HOURS_IGNORED_MESSAGE = ("Open around the clock: the opening hours you typed are not used (and were not saved). "
                         "Untick “Open around the clock” to use them.")


def _grouped(common: tuple[str, ...], every: frozenset[str] | set[str], rest_label: str) -> list:
    """A <select>'s choices: the common values first, then every other value sorted (each value once)."""
    common = [value for value in common if value in every]
    return [("Common", [(v, v) for v in common]),
            (rest_label, [(v, v) for v in sorted(set(every) - set(common))])]


def timezone_choices() -> list:
    return _grouped(COMMON_TIMEZONES, zoneinfo.available_timezones(), "All time zones")


def currency_choices() -> list:
    return _grouped(COMMON_CURRENCIES, ISO_4217_CODES, "All currencies")


def _timezone_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(choices=timezone_choices, label="Time zone",
                             help_text="Times on the board, tickets and hours are in this zone.", **kwargs)


def _currency_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(choices=currency_choices, **kwargs)


def _intervals(text: str) -> list[dict[str, str]]:
    """'11:00-15:00, 18:00-02:00' -> [{"open": "11:00", "close": "15:00"}, ...]"""
    intervals = []
    for part in filter(None, (chunk.strip() for chunk in text.split(","))):
        opens, sep, closes = part.partition("-")
        if not sep:
            raise forms.ValidationError("Write intervals as HH:MM-HH:MM, separated by commas.")
        intervals.append({"open": opens.strip(), "close": closes.strip()})
    return intervals


def _hours_text(intervals: list[dict[str, str]] | None) -> str:
    return ", ".join(f"{i['open']}-{i['close']}" for i in intervals or [])


class RestaurantCreateForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(max_length=200)
    cuisines = forms.CharField(max_length=500, required=False, help_text="Comma-separated, e.g. italian, pizza")
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100)
    state = forms.CharField(max_length=100, required=False)
    zip_code = forms.CharField(max_length=20, required=False)
    timezone = _timezone_field(initial="UTC")
    currency = _currency_field(initial="USD")

    def clean_cuisines(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["cuisines"].split(",") if c.strip()]


FULFILMENT_FIELDS = ("pickup_enabled", "delivery_enabled", "slot_minutes", "schedule_days_ahead",
                     "slot_capacity_orders", "slot_capacity_load")


class RestaurantSettingsForm(ServiceErrorsMixin, forms.Form):
    """Profile, fees, tax, pause switch and opening hours (one text field per weekday)."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    cuisines = forms.CharField(max_length=500, required=False, help_text="Comma-separated")
    phone = forms.CharField(max_length=32, required=False)
    email = forms.EmailField(required=False)
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.CharField(max_length=100, required=False)
    zip_code = forms.CharField(max_length=20, required=False)
    timezone = _timezone_field()
    currency = _currency_field()
    delivery_fee = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    minimum_order = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    # Up to four decimals in percent: real sales-tax rates have three (New York City 8.875 %).
    tax_percent = forms.DecimalField(label="Tax (%)", max_digits=8, decimal_places=4, min_value=0, max_value=100)
    estimated_delivery_minutes = forms.IntegerField(min_value=0, max_value=600, label="Estimated delivery (minutes)")
    paused = forms.BooleanField(required=False, label="Pause new orders")
    paused_until = forms.DateTimeField(required=False, label="Paused until",
                                       widget=LOCAL_INPUT,
                                       help_text="Empty: until you switch it back. Restaurant's local time.")
    auto_accept = forms.BooleanField(required=False, label="Accept new orders automatically",
                                     help_text="New orders go straight to “confirmed”; the timeline says it was "
                                               "automatic.")
    target_prep_minutes = forms.IntegerField(min_value=1, max_value=240, required=False,
                                             label="Target preparation time (minutes)",
                                             help_text="On the board a card turns amber past this age, red past "
                                                       "twice it. Empty: unchanged.")
    always_open = forms.BooleanField(required=False, label="Open around the clock")
    # Fulfilment and slots: the form only parses; `restaurant_update` judges the values (both off, bounds).
    # The section's hidden marker says its checkboxes were on the page: a post without it leaves them unchanged.
    fulfilment_section = forms.BooleanField(required=False, widget=forms.HiddenInput, initial=True)
    pickup_enabled = forms.BooleanField(required=False, label="Offer pickup")
    delivery_enabled = forms.BooleanField(required=False, label="Offer delivery")
    slot_minutes = forms.TypedChoiceField(coerce=int, empty_value=None, label="Slot length (minutes)",
                                          help_text="Customers ordering for later pick a slot of this length.")
    schedule_days_ahead = forms.IntegerField(label="Days ahead",
                                             widget=forms.NumberInput(attrs={"min": 0, "max": 14}),
                                             help_text="How many days after today a slot may be chosen (0: today "
                                                       "only, up to 14).")
    slot_capacity_orders = forms.IntegerField(required=False, label="Orders per slot",
                                              widget=forms.NumberInput(attrs={"min": 1}),
                                              help_text="Per slot and per pickup or delivery. Empty: unlimited.")
    slot_capacity_load = forms.IntegerField(required=False, label="Kitchen load per slot",
                                            widget=forms.NumberInput(attrs={"min": 1}),
                                            help_text="The sum of quantity × item load (each item's “Kitchen "
                                                      "load”, e.g. a coffee 1, a pizza 3) per slot. Empty: "
                                                      "unlimited.")

    field_aliases = {"tax_rate": "tax_percent", "accepting_orders": "paused", "opening_hours": "always_open"}

    def __init__(self, *args, slot_minutes: int | None = None, **kwargs):
        """`slot_minutes`: the restaurant's current slot length, offered even when it is not a usual one
        (the API accepts any 5..120)."""
        super().__init__(*args, **kwargs)
        lengths = sorted({*SLOT_MINUTES_CHOICES, *([slot_minutes] if slot_minutes else [])})
        self.fields["slot_minutes"].choices = [(m, f"{m} minutes") for m in lengths]
        if self.is_bound and not self.data.get("fulfilment_section"):
            for name in ("slot_minutes", "schedule_days_ahead"):  # not posted: left unchanged
                self.fields[name].required = False
        for day in WEEKDAYS:
            self.fields[f"hours_{day}"] = forms.CharField(
                label=day.capitalize(), required=False, max_length=200,
                widget=forms.TextInput(attrs={"placeholder": "--:-- - --:--", "autocomplete": "off"}))

    @property
    def hours_fields(self):
        return [self[f"hours_{day}"] for day in WEEKDAYS]

    @property
    def profile_fields(self):
        names = ["name", "description", "cuisines", "phone", "email", "street", "city", "state", "zip_code",
                 "timezone", "currency"]
        return [self[name] for name in names]

    @property
    def fulfilment_checks(self):
        return [self["pickup_enabled"], self["delivery_enabled"]]

    @property
    def slot_fields(self):
        return [self[name] for name in ("slot_minutes", "schedule_days_ahead", "slot_capacity_orders",
                                        "slot_capacity_load")]

    @property
    def money_fields(self):
        return [self[name] for name in ("delivery_fee", "minimum_order", "tax_percent", "estimated_delivery_minutes")]

    @classmethod
    def initial_for(cls, restaurant) -> dict:
        tz = zoneinfo.ZoneInfo(restaurant.timezone)
        initial = {name: getattr(restaurant, name) for name in (
            "name", "description", "phone", "email", "street", "city", "state", "zip_code", "timezone", "currency",
            "delivery_fee", "minimum_order", "estimated_delivery_minutes", "auto_accept", "target_prep_minutes",
            *FULFILMENT_FIELDS)}
        initial.update(
            cuisines=", ".join(restaurant.cuisines or []),
            tax_percent=(restaurant.tax_rate * PERCENT).normalize(),
            paused=not restaurant.accepting_orders,
            paused_until=(timezone.localtime(restaurant.paused_until, tz).replace(tzinfo=None)
                          if restaurant.paused_until else None),
            always_open=restaurant.opening_hours is None,
        )
        for day in WEEKDAYS:
            initial[f"hours_{day}"] = _hours_text((restaurant.opening_hours or {}).get(day))
        return initial

    def clean(self):
        cleaned = super().clean()
        for day in WEEKDAYS:
            try:
                cleaned[f"intervals_{day}"] = _intervals(cleaned.get(f"hours_{day}") or "")
            except forms.ValidationError as exc:
                self.add_error(f"hours_{day}", exc)
        return cleaned

    def service_data(self) -> dict:
        """The `restaurant_update` data; naive 'paused until' is read in the restaurant's zone."""
        data = self.cleaned_data
        update = {name: data[name] for name in (
            "name", "description", "phone", "email", "street", "city", "state", "zip_code", "timezone",
            "delivery_fee", "minimum_order", "estimated_delivery_minutes", "auto_accept")}
        if data.get("fulfilment_section"):
            update.update({name: data[name] for name in FULFILMENT_FIELDS})
        if data.get("target_prep_minutes") is not None:
            update["target_prep_minutes"] = data["target_prep_minutes"]
        update["currency"] = data["currency"].upper()
        update["cuisines"] = [c.strip() for c in data["cuisines"].split(",") if c.strip()]
        update["tax_rate"] = (data["tax_percent"] / PERCENT).quantize(Decimal("0.000001"))
        update["accepting_orders"] = not data["paused"]
        paused_until = data["paused_until"] if data["paused"] else None
        if paused_until is not None:
            # The form read the wall-clock time in the server's zone; it means the restaurant's.
            try:
                zone = zoneinfo.ZoneInfo(data["timezone"])
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = timezone.get_current_timezone()
            paused_until = timezone.make_aware(timezone.make_naive(paused_until), zone)
        update["paused_until"] = paused_until
        update["opening_hours"] = None if data["always_open"] else {
            day: data[f"intervals_{day}"] for day in WEEKDAYS}
        return update

    @property
    def hours_ignored(self) -> bool:
        """True when hours were typed while "open around the clock" is ticked: the page says they are not used."""
        data = self.cleaned_data
        return bool(data.get("always_open")) and any(data.get(f"hours_{day}") for day in WEEKDAYS)


class CategoryForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(max_length=120)


class MenuItemForm(ServiceErrorsMixin, forms.Form):
    category = forms.TypedChoiceField(coerce=int)
    name = forms.CharField(max_length=200)
    description = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    price = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    preparation_time = forms.IntegerField(min_value=0, max_value=600, initial=15, label="Preparation (minutes)")
    load = forms.IntegerField(min_value=1, max_value=100, initial=1, required=False, label="Kitchen load",
                              help_text="How much of the kitchen one of these takes; a coffee 1, a pizza 3. It counts "
                                        "against the kitchen load per slot.")
    is_available = forms.BooleanField(required=False, initial=True, label="Available")
    is_vegetarian = forms.BooleanField(required=False, label="Vegetarian")
    is_vegan = forms.BooleanField(required=False, label="Vegan")
    spicy_level = forms.TypedChoiceField(coerce=int, choices=[(i, str(i)) for i in range(4)], initial=0)
    allergens = forms.CharField(max_length=500, required=False, help_text="Comma-separated")

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.pk, c.name) for c in categories]

    @staticmethod
    def initial_for(item) -> dict:
        initial = {name: getattr(item, name) for name in (
            "name", "description", "price", "preparation_time", "load", "is_available", "is_vegetarian",
            "is_vegan", "spicy_level")}
        initial.update(category=item.category_id, allergens=", ".join(item.allergens or []))
        return initial

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["allergens"] = [a.strip() for a in data["allergens"].split(",") if a.strip()]
        if data.get("load") is None:  # not posted: unchanged (a new item weighs 1)
            data.pop("load", None)
        return data


class OptionGroupForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(max_length=120)
    min_select = forms.IntegerField(min_value=0, max_value=50, initial=0, label="Choose at least")
    max_select = forms.IntegerField(min_value=1, max_value=50, initial=1, label="Choose at most")


class OptionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(max_length=120, required=False)
    price_delta = forms.DecimalField(max_digits=12, decimal_places=2, required=False, initial=Decimal("0"),
                                     label="Price +/-")
    is_available = forms.BooleanField(required=False, initial=True, label="Available")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("id") and not cleaned.get("name"):
            self.add_error("name", "An option needs a name (tick delete to remove it).")
        return cleaned


OptionFormSet = formset_factory(OptionForm, extra=3, can_delete=True, max_num=50, validate_max=True)


def options_data(formset) -> list[dict]:
    """The formset as `option_group_create/update(options=...)`: kept rows in order, blank rows skipped."""
    options = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not data.get("name"):
            continue
        entry = {"name": data["name"], "price_delta": data.get("price_delta") or Decimal("0"),
                 "is_available": data.get("is_available", False)}
        if data.get("id"):
            entry["id"] = data["id"]
        options.append(entry)
    return options
