"""Reads of the menu. Every query is scoped with `.for_tenant(tenant)`."""

from django.db.models import Prefetch, QuerySet

from menu.models import Category, MenuItem, Option, OptionGroup


def _option_groups_prefetch(tenant) -> Prefetch:
    return Prefetch(
        "option_groups",
        queryset=OptionGroup.objects.for_tenant(tenant).prefetch_related(
            Prefetch("options", queryset=Option.objects.for_tenant(tenant))
        ),
    )


def category_list(*, tenant) -> QuerySet[Category]:
    return Category.objects.for_tenant(tenant).order_by("position", "id")


def menu_item_list(*, tenant, category_id: int | None = None, is_available: bool | None = None,
                   ) -> QuerySet[MenuItem]:
    items = MenuItem.objects.for_tenant(tenant).prefetch_related(_option_groups_prefetch(tenant))
    if category_id is not None:
        items = items.filter(category_id=category_id)
    if is_available is not None:
        items = items.filter(is_available=is_available)
    return items.order_by("category__position", "category_id", "position", "id")


def option_group_list(*, tenant, item_id: int) -> QuerySet[OptionGroup]:
    return OptionGroup.objects.for_tenant(tenant).filter(item_id=item_id).prefetch_related(
        Prefetch("options", queryset=Option.objects.for_tenant(tenant))
    ).order_by("position", "id")


def option_list(*, tenant) -> QuerySet[Option]:
    return Option.objects.for_tenant(tenant).order_by("group_id", "position", "id")


def menu_for_restaurant(*, restaurant) -> list[Category]:
    """The whole menu in four queries: categories (position, id), each with its items (unavailable
    ones included), their option groups and options."""
    items = MenuItem.objects.for_tenant(restaurant).order_by("position", "id").prefetch_related(
        _option_groups_prefetch(restaurant)
    )
    return list(
        Category.objects.for_tenant(restaurant).order_by("position", "id").prefetch_related(
            Prefetch("items", queryset=items)
        )
    )
