"""Loads demo data: restaurants with menus, owners, staff, customers and some orders. Idempotent.

Lives in orders (which may depend on accounts, menu and restaurants), not in the ground floor."""

from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User
from foodsys.common.demo import DEMO_PASSWORD, DEMO_USERS
from menu.models import Category, MenuItem, Option, OptionGroup
from orders.models import Order
from orders.seed import place_demo_orders
from restaurants.models import Restaurant

RESTAURANTS = [
    {
        "name": "Pizzeria Roma", "owner": "owner@demo.foodsys.dev", "cuisines": ["italian", "pizza"],
        "city": "Springfield", "street": "12 Elm St", "timezone": "America/Chicago",
        "delivery_fee": "2.99", "minimum_order": "10.00", "tax_rate": "0.0825",
        "menu": {
            "Pizzas": [
                ("Margherita", "11.50", {"Size": (1, 1, [("Small", "0"), ("Large", "4.00")]),
                                         "Extra toppings": (0, 3, [("Basil", "0.50"), ("Burrata", "3.00"),
                                                                    ("Olives", "1.00")])}),
                ("Diavola", "13.90", {"Size": (1, 1, [("Small", "0"), ("Large", "4.00")])}),
                ("Quattro Formaggi", "14.50", {}),
            ],
            "Salads": [("Caprese", "8.50", {}), ("Caesar", "9.00", {})],
            "Drinks": [("Lemonade", "3.50", {}), ("Espresso", "2.20", {})],
        },
    },
    {
        "name": "Sushi Zen", "owner": "owner@demo.foodsys.dev", "cuisines": ["japanese", "sushi"],
        "city": "Springfield", "street": "3 Harbor Rd", "timezone": "America/Chicago",
        "delivery_fee": "3.50", "minimum_order": "15.00", "tax_rate": "0.0825",
        "menu": {
            "Rolls": [("California Roll", "8.90", {}), ("Spicy Tuna Roll", "10.50", {}),
                      ("Dragon Roll", "14.00", {"Extras": (0, 2, [("Avocado", "1.50"), ("Tobiko", "2.00")])})],
            "Nigiri": [("Salmon Nigiri", "6.00", {}), ("Tuna Nigiri", "6.50", {})],
            "Sides": [("Miso Soup", "3.00", {}), ("Edamame", "4.50", {})],
        },
    },
    {
        "name": "Taco Loco", "owner": "owner2@demo.foodsys.dev", "cuisines": ["mexican"],
        "city": "Shelbyville", "street": "99 Main St", "timezone": "America/Denver",
        "delivery_fee": "1.99", "minimum_order": "0.00", "tax_rate": "0.0700",
        "menu": {
            "Tacos": [("Al Pastor", "3.75", {"Salsa": (1, 1, [("Verde", "0"), ("Roja", "0"), ("Habanero", "0.25")])}),
                      ("Carnitas", "3.75", {}), ("Veggie", "3.25", {})],
            "Burritos": [("Bean & Cheese", "8.50", {}), ("Carne Asada", "11.25", {})],
        },
    },
]


class Command(BaseCommand):
    help = "Loads demo restaurants, menus, users and orders (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        users = {email: self._user(email, name, role, is_admin) for email, name, role, is_admin in DEMO_USERS}
        restaurants = []
        for spec in RESTAURANTS:
            restaurant, created = self._restaurant(spec)
            restaurants.append(restaurant)
            Membership.objects.get_or_create(user=users[spec["owner"]], tenant=restaurant,
                                             defaults={"role": "owner"})
            if created:
                self._menu(restaurant, spec["menu"])
        Membership.objects.get_or_create(user=users["staff@demo.foodsys.dev"], tenant=restaurants[0],
                                         defaults={"role": "staff"})
        customers = [users["alice@demo.foodsys.dev"], users["bob@demo.foodsys.dev"]]
        placed = sum(self._orders(restaurant, customers) for restaurant in restaurants)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {len(restaurants)} restaurants, {len(users)} users, {placed} new orders."))

    def _user(self, email: str, name: str, role: str, is_admin: bool) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name, role=role,
                                            is_staff=is_admin, is_superuser=is_admin,
                                            email_verified_at=timezone.now())  # demo addresses count as verified
        return user

    def _restaurant(self, spec: dict) -> tuple[Restaurant, bool]:
        fields = {k: v for k, v in spec.items() if k not in {"owner", "menu"}}
        for money in ("delivery_fee", "minimum_order", "tax_rate"):
            fields[money] = Decimal(fields[money])
        return Restaurant.objects.get_or_create(
            name=spec["name"],
            defaults={**fields, "description": f"{spec['name']}: demo restaurant.", "state": "IL",
                      "zip_code": "62701", "currency": "USD", "estimated_delivery_minutes": 35},
        )

    def _menu(self, restaurant: Restaurant, menu: dict) -> None:
        for position, (category_name, items) in enumerate(menu.items()):
            category = Category.objects.create(tenant=restaurant, name=category_name, position=position)
            for item_position, (name, price, groups) in enumerate(items):
                item = MenuItem.objects.create(
                    tenant=restaurant, category=category, name=name, price=Decimal(price),
                    position=item_position, description=f"House {name.lower()}.", preparation_time=12,
                    is_vegetarian=category_name in {"Salads"} or name in {"Margherita", "Veggie"},
                )
                for group_position, (group_name, (min_select, max_select, options)) in enumerate(groups.items()):
                    group = OptionGroup.objects.create(tenant=restaurant, item=item, name=group_name,
                                                       min_select=min_select, max_select=max_select,
                                                       position=group_position)
                    for option_position, (option_name, delta) in enumerate(options):
                        Option.objects.create(tenant=restaurant, group=group, name=option_name,
                                              price_delta=Decimal(delta), position=option_position)

    def _orders(self, restaurant: Restaurant, customers: list[User]) -> int:
        """A handful of orders through the real services, in several statuses (none if it has some)."""
        if Order.objects.for_tenant(restaurant).exists():
            return 0
        return place_demo_orders(restaurant=restaurant, customers=customers)
