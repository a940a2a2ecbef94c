"""Seeds the benchmark database (run by bench/database.py as `python -m bench.seed`).

200 restaurants (owner + membership each) in 10 cities, 5 categories x 6 items each, a "Size"
option group on every third item; 2,000 customers; 100,000 historic orders with 1-4 lines spread
over 200 tenants and 30 days (COPY); 6,000 pending orders of the last half hour that the `status`
scenario moves along; daily order-number counters that match all of them. Deterministic (seeded RNG).
"""

import json
import random
import time
import uuid
import zoneinfo
from datetime import timedelta
from decimal import Decimal

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Membership, User  # noqa: E402
from bench.config import SeedSize  # noqa: E402
from menu.models import Category, MenuItem, Option, OptionGroup  # noqa: E402
from orders.models import DailyOrderCounter, Order, OrderLine  # noqa: E402
from restaurants.models import Restaurant, cuisine_tags_for  # noqa: E402

CITIES = [("Springfield", "IL"), ("Riverton", "WY"), ("Lakeside", "CA"), ("Fairview", "TX"), ("Georgetown", "KY"),
          ("Franklin", "TN"), ("Madison", "WI"), ("Clinton", "IA"), ("Salem", "OR"), ("Arlington", "VA")]
ZONES = ["America/Chicago", "America/Denver", "America/Los_Angeles", "America/New_York", "UTC"]
CUISINES = ["italian", "pizza", "thai", "indian", "mexican", "burgers", "sushi", "vegan", "greek", "chinese"]
ALL_DAY = {day: [{"open": "00:00", "close": "24:00"}] for day in
           ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")}
TAX_RATE = Decimal("0.0825")
DELIVERY_FEE = Decimal("2.99")
CENT = Decimal("0.01")


def log(message: str) -> None:
    print(f"[seed] {message}", flush=True)


def seed_catalog(size: SeedSize, rng: random.Random, password_hash: str) -> list[dict]:
    restaurants = []
    for i in range(size.restaurants):
        city, state = CITIES[i % len(CITIES)]
        cuisines = rng.sample(CUISINES, 2)
        restaurants.append(Restaurant(
            name=f"Bench Bistro {i:03d}", description="A benchmark restaurant. " * 5, cuisines=cuisines,
            cuisine_tags=cuisine_tags_for(cuisines), phone="+1 555 0100", email=f"r{i}@bench.foodsys.dev",
            street=f"{100 + i} Main Street", city=city, state=state, zip_code=f"{10000 + i}",
            lat=Decimal("40.000000") + Decimal(i) / 1000, lng=Decimal("-90.000000") - Decimal(i) / 1000,
            timezone=ZONES[i % len(ZONES)], opening_hours=ALL_DAY, delivery_fee=DELIVERY_FEE,
            minimum_order=Decimal("5.00"), tax_rate=TAX_RATE, currency="USD", estimated_delivery_minutes=30))
    Restaurant.objects.bulk_create(restaurants)
    owners = User.objects.bulk_create([
        User(email=f"owner{i}@bench.foodsys.dev", name=f"Owner {i}", role="restaurant_owner", password=password_hash)
        for i in range(size.restaurants)])
    Membership.objects.bulk_create([Membership(tenant=r, user=o, role="owner") for r, o in zip(restaurants, owners,
                                                                                               strict=True)])
    categories = Category.objects.bulk_create([
        Category(tenant=r, name=f"Category {c}", position=c)
        for r in restaurants for c in range(size.categories_per_restaurant)])
    items = MenuItem.objects.bulk_create([
        MenuItem(tenant_id=cat.tenant_id, category=cat, name=f"Dish {cat.position}-{n}",
                 description="Freshly made, with seasonal ingredients.", price=Decimal(rng.randint(600, 2500)) / 100,
                 position=n, preparation_time=rng.choice((10, 15, 20, 25)), allergens=["gluten"] if n % 2 else [])
        for cat in categories for n in range(size.items_per_category)])
    sized = [item for index, item in enumerate(items) if index % 3 == 0]
    groups = OptionGroup.objects.bulk_create([
        OptionGroup(tenant_id=item.tenant_id, item=item, name="Size", min_select=0, max_select=1) for item in sized])
    options = Option.objects.bulk_create([
        Option(tenant_id=g.tenant_id, group=g, name=name, price_delta=Decimal(delta), position=p)
        for g in groups for p, (name, delta) in enumerate((("Small", "-1.00"), ("Regular", "0"), ("Large", "2.00")))])
    options_by_item: dict[int, list[Option]] = {}
    group_item = {g.id: g.item_id for g in groups}
    for option in options:
        options_by_item.setdefault(group_item[option.group_id], []).append(option)
    by_tenant: dict = {r.tenant_id: {"restaurant": r, "owner": o, "items": []} for r, o in zip(restaurants, owners,
                                                                                               strict=True)}
    for item in items:
        by_tenant[item.tenant_id]["items"].append((item, options_by_item.get(item.id, [])))
    log(f"{len(restaurants)} restaurants, {len(items)} items, {len(options)} options")
    return list(by_tenant.values())


def seed_customers(size: SeedSize, password_hash: str) -> list[User]:
    customers = User.objects.bulk_create([
        User(email=f"customer{i}@bench.foodsys.dev", name=f"Customer {i}", role="customer", password=password_hash)
        for i in range(size.customers)])
    log(f"{len(customers)} customers")
    return customers


class OrderWriter:
    """Builds order and line rows and COPYs them; keeps each tenant's daily order-number counters."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.counters: dict[tuple, int] = {}
        self.order_fields = list(Order._meta.concrete_fields)
        self.line_fields = [f for f in OrderLine._meta.concrete_fields if f.attname != "id"]
        self.orders: list[tuple] = []
        self.lines: list[tuple] = []

    def _number(self, restaurant: Restaurant, created) -> str:
        day = created.astimezone(zoneinfo.ZoneInfo(restaurant.timezone)).date()
        key = (restaurant.tenant_id, day)
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{day:%Y%m%d}-{self.counters[key]:04d}"

    def add(self, tenant: dict, customer: User, created, status: str) -> uuid.UUID:
        restaurant = tenant["restaurant"]
        order_id = uuid.uuid4()
        subtotal, count = Decimal("0.00"), 0
        prep = 0
        for item, options in self.rng.sample(tenant["items"], self.rng.randint(1, 4)):
            quantity = self.rng.randint(1, 3)
            chosen = [self.rng.choice(options)] if options and self.rng.random() < 0.5 else []
            unit = max(Decimal("0.00"), item.price + sum((o.price_delta for o in chosen), Decimal(0)))
            snapshot = [{"id": o.id, "group": "Size", "name": o.name, "price_delta": f"{o.price_delta:.2f}"}
                        for o in chosen]
            self.lines.append(self._line_row(restaurant, order_id, item, unit, quantity, snapshot))
            subtotal += unit * quantity
            count += quantity
            prep = max(prep, item.preparation_time)
        tax = (subtotal * TAX_RATE).quantize(CENT)
        ready = created + timedelta(minutes=prep)
        stamps = {"confirmed_at": None, "preparing_at": None, "ready_at": None, "out_for_delivery_at": None,
                  "delivered_at": None, "cancelled_at": None}
        if status == "delivered":
            stamps.update(confirmed_at=created + timedelta(minutes=2), preparing_at=created + timedelta(minutes=4),
                          ready_at=ready + timedelta(minutes=4), out_for_delivery_at=ready + timedelta(minutes=6),
                          delivered_at=ready + timedelta(minutes=30))
        elif status == "cancelled":
            stamps.update(cancelled_at=created + timedelta(minutes=3))
        values = {
            "id": order_id, "tenant_id": restaurant.tenant_id, "order_number": self._number(restaurant, created),
            "customer_id": customer.id, "status": status, "payment_method": self.rng.choice(("cash", "card", "online")),
            "payment_status": "pending", "subtotal": subtotal, "delivery_fee": DELIVERY_FEE, "tax": tax,
            "total": subtotal + DELIVERY_FEE + tax, "currency": "USD", "item_count": count,
            "delivery_address": json.dumps({"street": "1 Bench Road", "city": restaurant.city,
                                            "state": restaurant.state, "zip_code": restaurant.zip_code}),
            "notes": "", "estimated_ready_at": ready, "estimated_delivery_at": ready + timedelta(minutes=30),
            "created_at": created, "updated_at": stamps["delivered_at"] or stamps["cancelled_at"] or created,
            "cancel_reason": "Customer called" if status == "cancelled" else "", **stamps,
            # online ASAP deliveries, as POST /api/orders/ places them
            "channel": "online", "entered_by_id": None, "fulfilment": "delivery", "contact_name": "",
            "contact_phone": "", "eta_basis": "default", "scheduled_for": None, "load": count,
        }
        self.orders.append(tuple(values[f.attname] for f in self.order_fields))
        return order_id

    def _line_row(self, restaurant, order_id, item, unit, quantity, snapshot) -> tuple:
        values = {"tenant_id": restaurant.tenant_id, "order_id": order_id, "menu_item_id": item.id, "name": item.name,
                  "unit_price": unit, "quantity": quantity, "options": json.dumps(snapshot),
                  "special_instructions": "", "line_total": unit * quantity}
        return tuple(values[f.attname] for f in self.line_fields)

    def flush(self) -> None:
        with connection.cursor() as cursor:
            for model, fields, rows in ((Order, self.order_fields, self.orders),
                                        (OrderLine, self.line_fields, self.lines)):
                columns = ", ".join(f'"{f.column}"' for f in fields)
                with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
        self.orders, self.lines = [], []

    def save_counters(self) -> None:
        DailyOrderCounter.objects.bulk_create([
            DailyOrderCounter(tenant_id=tenant_id, day=day, last_number=n)
            for (tenant_id, day), n in self.counters.items()])


def seed_orders(size: SeedSize, rng: random.Random, tenants: list[dict], customers: list[User]) -> None:
    now = timezone.now()
    writer = OrderWriter(rng)
    started = time.monotonic()
    span = size.historic_days * 86400 - 3600
    for n in range(size.historic_orders):
        created = now - timedelta(seconds=3600 + rng.random() * span)
        status = "cancelled" if rng.random() < 0.06 else "delivered"
        writer.add(rng.choice(tenants), rng.choice(customers), created, status)
        if len(writer.orders) >= 20_000:
            writer.flush()
            log(f"{n + 1} historic orders ({time.monotonic() - started:.0f}s)")
    for n in range(size.active_orders):
        writer.add(tenants[n % len(tenants)], rng.choice(customers), now - timedelta(seconds=rng.random() * 1800),
                   "pending")
    writer.flush()
    writer.save_counters()
    log(f"{size.historic_orders} historic + {size.active_orders} pending orders in {time.monotonic() - started:.0f}s")


def main() -> None:
    size = SeedSize()
    rng = random.Random(20260101)
    password_hash = make_password("bench-password-not-used")  # one hash for all: Argon2 per user is too slow
    with transaction.atomic():
        tenants = seed_catalog(size, rng, password_hash)
        customers = seed_customers(size, password_hash)
        seed_orders(size, rng, tenants, customers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log("done")


if __name__ == "__main__":
    main()
