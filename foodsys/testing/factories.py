"""factory_boy factories shared by every app's tests."""

from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Membership, MembershipRole, User, UserRole
from menu.models import Category, MenuItem, Option, OptionGroup
from restaurants.models import Restaurant

TEST_PASSWORD = "Corr3ct-Horse-Battery"  # noqa: S105 - a fixture password, not a secret


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    email_verified_at = factory.LazyFunction(timezone.now)  # email_verified_at=None: a fresh, unverified sign-up
    role = UserRole.CUSTOMER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OwnerFactory(UserFactory):
    role = UserRole.RESTAURANT_OWNER


class RestaurantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Restaurant

    name = factory.Sequence(lambda n: f"Restaurant {n}")
    description = "Good food."
    cuisines = factory.LazyFunction(lambda: ["italian"])
    city = "Springfield"
    street = "1 Main St"
    state = "IL"
    zip_code = "62701"
    timezone = "UTC"
    opening_hours = None
    delivery_fee = Decimal("2.50")
    minimum_order = Decimal("0.00")
    tax_rate = Decimal("0.0800")
    currency = "USD"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(OwnerFactory)
    tenant = factory.SubFactory(RestaurantFactory)
    role = MembershipRole.OWNER


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    tenant = factory.SubFactory(RestaurantFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    position = factory.Sequence(int)


class MenuItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuItem

    category = factory.SubFactory(CategoryFactory)
    tenant = factory.SelfAttribute("category.tenant")
    name = factory.Sequence(lambda n: f"Dish {n}")
    price = Decimal("10.00")
    preparation_time = 10


class OptionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptionGroup

    item = factory.SubFactory(MenuItemFactory)
    tenant = factory.SelfAttribute("item.tenant")
    name = "Size"
    min_select = 0
    max_select = 1


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    group = factory.SubFactory(OptionGroupFactory)
    tenant = factory.SelfAttribute("group.tenant")
    name = factory.Sequence(lambda n: f"Option {n}")
    price_delta = Decimal("1.00")
