from decimal import Decimal

from rest_framework import serializers

from foodsys.common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from menu.models import Category, MenuItem, Option, OptionGroup


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs)


# --- output ----------------------------------------------------------------------------------
class OptionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "name", "price_delta", "is_available", "position"]


class OptionGroupOutputSerializer(serializers.ModelSerializer):
    options = OptionOutputSerializer(many=True, read_only=True)

    class Meta:
        model = OptionGroup
        fields = ["id", "item", "name", "min_select", "max_select", "position", "options"]


class MenuItemOutputSerializer(serializers.ModelSerializer):
    option_groups = OptionGroupOutputSerializer(many=True, read_only=True)

    class Meta:
        model = MenuItem
        fields = [
            "id", "category", "name", "description", "price", "position", "image_url", "is_available",
            "is_vegetarian", "is_vegan", "spicy_level", "preparation_time", "calories", "allergens", "load",
            "option_groups",
        ]


class CategoryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "position"]


class MenuCategorySerializer(serializers.ModelSerializer):
    """A category of the public menu, with its items, their option groups and options."""

    items = MenuItemOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["id", "name", "position", "items"]


# --- input -----------------------------------------------------------------------------------
class CategoryInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)


class MenuItemInputSerializer(serializers.Serializer):
    category = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    price = _money(min_value=Decimal("0.01"))
    position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    image_url = serializers.URLField(max_length=500, allow_blank=True, required=False)
    is_available = serializers.BooleanField(required=False)
    is_vegetarian = serializers.BooleanField(required=False)
    is_vegan = serializers.BooleanField(required=False)
    spicy_level = serializers.IntegerField(min_value=0, max_value=3, required=False)
    preparation_time = serializers.IntegerField(min_value=0, max_value=600, required=False)
    load = serializers.IntegerField(min_value=1, max_value=100, required=False,
                                    help_text="Kitchen load of one unit, for slot capacity (default 1).")
    calories = serializers.IntegerField(min_value=0, max_value=20000, allow_null=True, required=False)
    allergens = serializers.ListField(child=serializers.CharField(max_length=50), max_length=20, required=False)


class OptionInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, required=False)  # keep (update) an existing option
    name = serializers.CharField(max_length=120)
    price_delta = _money(min_value=Decimal("-10000"), max_value=Decimal("10000"), required=False)
    is_available = serializers.BooleanField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)


class OptionPatchSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    price_delta = _money(min_value=Decimal("-10000"), max_value=Decimal("10000"), required=False)
    is_available = serializers.BooleanField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)


class OptionGroupInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    min_select = serializers.IntegerField(min_value=0, max_value=50, required=False)
    max_select = serializers.IntegerField(min_value=1, max_value=50, required=False)
    position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    options = OptionInputSerializer(many=True, required=False, max_length=50)
