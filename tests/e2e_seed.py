"""Seeds one restaurant, its owner, a menu and a customer into the database named by the
environment, and prints their ids and JWT access tokens as JSON. Run by the cross-process and
browser tests in a subprocess (`python -m tests.e2e_seed`), against the same database the
servers under test use.
"""

import json
import os
import sys
from decimal import Decimal


def seed() -> dict:
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import MembershipRole
    from foodsys.testing import factories as f

    restaurant = f.RestaurantFactory(name="E2E Bistro", cuisines=["italian"], city="Springfield",
                                     delivery_fee=Decimal("2.50"), tax_rate=Decimal("0.0800"))
    owner = f.OwnerFactory(email="owner@e2e.test", name="Olivia Owner")
    f.MembershipFactory(user=owner, tenant=restaurant, role=MembershipRole.OWNER)
    mains = f.CategoryFactory(tenant=restaurant, name="Pizza", position=0)
    desserts = f.CategoryFactory(tenant=restaurant, name="Desserts", position=1)
    pizza = f.MenuItemFactory(category=mains, name="Margherita", price=Decimal("9.50"), position=0)
    size = f.OptionGroupFactory(item=pizza, name="Size", min_select=1, max_select=1)
    regular = f.OptionFactory(group=size, name="Regular", price_delta=Decimal("0.00"), position=0)
    large = f.OptionFactory(group=size, name="Large", price_delta=Decimal("3.00"), position=1)
    f.MenuItemFactory(category=mains, name="Truffle Special", price=Decimal("19.00"), position=1, is_available=False)
    tiramisu = f.MenuItemFactory(category=desserts, name="Tiramisu", price=Decimal("5.00"), position=0)
    customer = f.UserFactory(email="customer@e2e.test", name="Carla Customer")
    return {
        "restaurant_id": restaurant.pk,
        "tenant_id": str(restaurant.tenant_id),
        "owner_email": owner.email,
        "customer_email": customer.email,
        "password": f.TEST_PASSWORD,
        "owner_token": str(AccessToken.for_user(owner)),
        "customer_token": str(AccessToken.for_user(customer)),
        "pizza_id": pizza.pk,
        "regular_id": regular.pk,
        "large_id": large.pk,
        "tiramisu_id": tiramisu.pk,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foodsys.settings.local")
    import django

    django.setup()
    json.dump(seed(), sys.stdout)
