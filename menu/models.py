from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from foodsys.common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from foodsys.tenancy.models import TenantScopedModel, tenant_index


class Category(TenantScopedModel):
    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [tenant_index("position", name="category_tenant_position")]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class MenuItem(TenantScopedModel):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    price = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
                                validators=[MinValueValidator(Decimal("0.01"))])
    position = models.PositiveIntegerField(default=0)
    image_url = models.URLField(blank=True, max_length=500)
    is_available = models.BooleanField(default=True)  # the "86" switch
    is_vegetarian = models.BooleanField(default=False)
    is_vegan = models.BooleanField(default=False)
    spicy_level = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(3)])
    preparation_time = models.PositiveIntegerField(default=15, validators=[MaxValueValidator(600)])
    # Kitchen load of one unit, for slot capacity (a pizza may weigh 4, a coffee 1).
    load = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    calories = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(20000)])
    allergens = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            tenant_index("category", "position", name="menuitem_tenant_category"),
            tenant_index("is_available", name="menuitem_tenant_available"),
        ]

    def __str__(self) -> str:
        return self.name


class OptionGroup(TenantScopedModel):
    """E.g. "Size" (choose exactly 1) or "Extra toppings" (choose 0..3)."""

    item = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="option_groups")
    name = models.CharField(max_length=120)
    min_select = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(50)])
    max_select = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1),
                                                                         MaxValueValidator(50)])
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [tenant_index("item", name="optiongroup_tenant_item")]
        constraints = [
            models.CheckConstraint(condition=models.Q(min_select__lte=models.F("max_select")),
                                   name="optiongroup_min_lte_max"),
        ]

    def __str__(self) -> str:
        return self.name


class Option(TenantScopedModel):
    group = models.ForeignKey(OptionGroup, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=120)
    price_delta = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
                                      default=0)
    is_available = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [tenant_index("group", name="option_tenant_group")]

    def __str__(self) -> str:
        return self.name
