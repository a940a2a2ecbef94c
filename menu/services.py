"""Writes of the menu. Each runs in a transaction and retires the tenant's cached menu on commit.

Every write takes the `actor` doing it and enforces `menu.roles` (403 PermissionDeniedError), so the
API, the dashboard pages and the Django admin share one rule. Where a new category, item or option
group goes (the end, unless a position is given) and how one moves up or down are decided here too.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet

from foodsys.common.cache import invalidate_catalog_on_commit
from foodsys.common.exceptions import ApplicationError, ConflictError
from foodsys.tenancy.actor import Actor
from menu.models import Category, MenuItem, Option, OptionGroup
from menu.roles import check_may_change, check_may_edit_menu
from restaurants.models import Restaurant

CATEGORY_FIELDS = frozenset({"name", "position"})
MENU_ITEM_FIELDS = frozenset({
    "category", "name", "description", "price", "position", "image_url", "is_available", "is_vegetarian",
    "is_vegan", "spicy_level", "preparation_time", "calories", "allergens", "load",
})
OPTION_GROUP_FIELDS = frozenset({"name", "min_select", "max_select", "position"})
OPTION_FIELDS = frozenset({"name", "price_delta", "is_available", "position"})
MAX_ALLERGENS = 20
MOVE_DIRECTIONS = {"up": -1, "down": 1}


def _invalid(field: str, message: str, *, code: str = "validation_error") -> ApplicationError:
    return ApplicationError(f"{field}: {message}", code=code, fields={field: [message]})


def _refuse_unknown(data: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(unknown)}.", code="validation_error",
                               fields={field: ["Not updatable."] for field in unknown})


def _apply(instance, data: dict[str, Any]) -> None:
    for field, value in data.items():
        setattr(instance, field, value)


def _changed(tenant_id) -> None:
    invalidate_catalog_on_commit(tenant_id, restaurant_changed=False)


def _tenant_category(*, tenant_id, category_id: Any) -> Category:
    """Another tenant's category is reported exactly like a missing one."""
    category = Category.objects.for_tenant(tenant_id).filter(id=category_id).first()
    if category is None:
        raise _invalid("category", "Unknown category.", code="unknown_category")
    return category


def _clean_allergens(allergens: Any) -> list[str]:
    if not isinstance(allergens, list) or len(allergens) > MAX_ALLERGENS:
        raise _invalid("allergens", f"A list of at most {MAX_ALLERGENS} names is expected.")
    if not all(isinstance(a, str) and a.strip() for a in allergens):
        raise _invalid("allergens", "Each allergen is a non-empty name.")
    return [a.strip() for a in allergens]


def _end_position(siblings: QuerySet) -> int:
    """After the last sibling, whatever gaps the positions have."""
    last = siblings.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _move(siblings: QuerySet, target, direction: str) -> None:
    """Moves `target` one place up/down among `siblings` (in display order, locked) and renumbers
    them 0..n; at either end it stays. Retires the cached menu only when something moved."""
    if direction not in MOVE_DIRECTIONS:
        raise _invalid("direction", f"One of: {', '.join(MOVE_DIRECTIONS)}.")
    ordered = list(siblings.order_by("position", "id").select_for_update())
    index = [sibling.pk for sibling in ordered].index(target.pk)
    swap = index + MOVE_DIRECTIONS[direction]
    if not 0 <= swap < len(ordered):
        return
    ordered[index], ordered[swap] = ordered[swap], ordered[index]
    for position, sibling in enumerate(ordered):
        if sibling.position != position:
            sibling.position = position
            sibling.save()
    target.position = ordered.index(target)
    _changed(target.tenant_id)


# --- categories ------------------------------------------------------------------------------
def _unique_category_name(*, tenant_id, name: Any, exclude_id: int | None = None) -> Any:
    """The name trimmed; refused (400 on `name`) when another of the tenant's categories has it, ignoring
    case and surrounding spaces. The restaurant row is locked first, so two concurrent writes of one
    tenant's categories take turns (on PostgreSQL) and cannot both pass the check."""
    if not isinstance(name, str):
        return name  # the model's validation names the problem
    name = name.strip()
    list(Restaurant.objects.select_for_update().filter(tenant_id=tenant_id).values_list("pk", flat=True))
    others = Category.objects.for_tenant(tenant_id).exclude(pk=exclude_id)
    if any(other.strip().casefold() == name.casefold() for other in others.values_list("name", flat=True)):
        raise _invalid("name", f"There is already a category named “{name}”.", code="duplicate_category")
    return name


@transaction.atomic
def category_create(*, tenant: Restaurant, name: str, actor: Actor, position: int | None = None) -> Category:
    """`position=None` puts the category last. Names are unique per restaurant (case and spaces ignored)."""
    check_may_edit_menu(actor)
    name = _unique_category_name(tenant_id=tenant.tenant_id, name=name)
    if position is None:
        position = _end_position(Category.objects.for_tenant(tenant))
    category = Category(tenant=tenant, name=name, position=position)
    category.full_clean(exclude=["tenant"])
    category.save()
    _changed(tenant.tenant_id)
    return category


@transaction.atomic
def category_update(*, category: Category, data: dict[str, Any], actor: Actor) -> Category:
    check_may_edit_menu(actor)
    _refuse_unknown(data, CATEGORY_FIELDS)
    if "name" in data:
        data = {**data, "name": _unique_category_name(tenant_id=category.tenant_id, name=data["name"],
                                                      exclude_id=category.pk)}
    _apply(category, data)
    category.full_clean(exclude=["tenant"])
    category.save()
    _changed(category.tenant_id)
    return category


@transaction.atomic
def category_delete(*, category: Category, actor: Actor) -> None:
    """Refuses (409) while the category still has items: deleting a menu section by accident is costly."""
    check_may_edit_menu(actor)
    item_count = MenuItem.objects.for_tenant(category.tenant_id).filter(category=category).count()
    if item_count:
        raise ConflictError(f"Category '{category.name}' still has {item_count} item(s); move or delete them first.",
                            code="category_not_empty", extra={"item_count": item_count})
    tenant_id = category.tenant_id
    category.delete()
    _changed(tenant_id)


@transaction.atomic
def category_move(*, category: Category, direction: str, actor: Actor) -> None:
    """One place up ("up") or down ("down") among the tenant's categories."""
    check_may_edit_menu(actor)
    _move(Category.objects.for_tenant(category.tenant_id), category, direction)


# --- items -----------------------------------------------------------------------------------
@transaction.atomic
def menu_item_create(*, tenant: Restaurant, category: int, name: str, price: Decimal, actor: Actor,
                     description: str = "", position: int | None = None, image_url: str = "",
                     is_available: bool = True, is_vegetarian: bool = False, is_vegan: bool = False,
                     spicy_level: int = 0, preparation_time: int = 15, calories: int | None = None,
                     allergens: list[str] | None = None, load: int = 1) -> MenuItem:
    """`category` is a category id, which must belong to `tenant`; `position=None` puts the item
    last in its category."""
    check_may_edit_menu(actor)
    the_category = _tenant_category(tenant_id=tenant.tenant_id, category_id=category)
    if position is None:
        position = _end_position(MenuItem.objects.for_tenant(tenant).filter(category=the_category))
    item = MenuItem(
        tenant=tenant, category=the_category, name=name,
        price=price, description=description, position=position, image_url=image_url, is_available=is_available,
        is_vegetarian=is_vegetarian, is_vegan=is_vegan, spicy_level=spicy_level,
        preparation_time=preparation_time, calories=calories, allergens=_clean_allergens(allergens or []),
        load=load,
    )
    item.full_clean(exclude=["tenant", "category"])
    item.save()
    _changed(tenant.tenant_id)
    return item


@transaction.atomic
def menu_item_update(*, item: MenuItem, data: dict[str, Any], actor: Actor) -> MenuItem:
    """Applies the given fields; `category` (an id) must belong to the item's tenant. Staff may
    change `is_available` only."""
    check_may_change(actor, data)
    _refuse_unknown(data, MENU_ITEM_FIELDS)
    data = dict(data)
    if "category" in data:
        data["category"] = _tenant_category(tenant_id=item.tenant_id, category_id=data["category"])
    if "allergens" in data:
        data["allergens"] = _clean_allergens(data["allergens"])
    _apply(item, data)
    item.full_clean(exclude=["tenant", "category"])
    item.save()
    _changed(item.tenant_id)
    return item


@transaction.atomic
def menu_item_set_availability(*, item: MenuItem, is_available: bool, actor: Actor) -> MenuItem:
    """The "86" switch; staff may use it."""
    return menu_item_update(item=item, data={"is_available": is_available}, actor=actor)


@transaction.atomic
def menu_item_delete(*, item: MenuItem, actor: Actor) -> None:
    """Past order lines keep their snapshot (their menu_item link becomes null)."""
    check_may_edit_menu(actor)
    tenant_id = item.tenant_id
    item.delete()
    _changed(tenant_id)


@transaction.atomic
def menu_item_move(*, item: MenuItem, direction: str, actor: Actor) -> None:
    """One place up or down within its category."""
    check_may_edit_menu(actor)
    _move(MenuItem.objects.for_tenant(item.tenant_id).filter(category_id=item.category_id), item, direction)


# --- option groups and options ---------------------------------------------------------------
def _check_selection_bounds(group: OptionGroup, option_count: int) -> None:
    if group.min_select > group.max_select:
        raise _invalid("min_select", "min_select cannot exceed max_select.")
    if group.min_select > option_count:
        raise _invalid("min_select", f"min_select is {group.min_select} but the group has {option_count} option(s).")


def _replace_options(group: OptionGroup, options: list[dict[str, Any]]) -> int:
    """Makes the group's options exactly `options`: entries with an `id` update that option (it
    must be in this group), entries without one are created, options not listed are deleted."""
    existing = {option.id: option for option in Option.objects.for_tenant(group.tenant_id).filter(group=group)}
    kept: set[int] = set()
    for position, entry in enumerate(options):
        entry = dict(entry)
        option_id = entry.pop("id", None)
        _refuse_unknown(entry, OPTION_FIELDS)
        if option_id is not None:
            if option_id not in existing or option_id in kept:
                raise _invalid("options", f"Option {option_id} is not an option of this group.")
            option = existing[option_id]
        else:
            option = Option(tenant_id=group.tenant_id, group=group)
        entry.setdefault("position", position)
        _apply(option, entry)
        option.full_clean(exclude=["tenant", "group"])
        option.save()
        kept.add(option.id)
    Option.objects.for_tenant(group.tenant_id).filter(group=group).exclude(id__in=kept).delete()
    return len(options)


@transaction.atomic
def option_group_create(*, item: MenuItem, name: str, actor: Actor, min_select: int = 0, max_select: int = 1,
                        position: int | None = None, options: list[dict[str, Any]] | None = None) -> OptionGroup:
    """`position=None` puts the group last among the item's groups."""
    check_may_edit_menu(actor)
    if position is None:
        position = _end_position(OptionGroup.objects.for_tenant(item.tenant_id).filter(item=item))
    group = OptionGroup(tenant_id=item.tenant_id, item=item, name=name, min_select=min_select,
                        max_select=max_select, position=position)
    _check_selection_bounds(group, len(options or []))
    group.full_clean(exclude=["tenant", "item"])
    group.save()
    _replace_options(group, options or [])
    _changed(item.tenant_id)
    return group


@transaction.atomic
def option_group_update(*, group: OptionGroup, data: dict[str, Any], actor: Actor,
                        options: list[dict[str, Any]] | None = None) -> OptionGroup:
    """`options=None` leaves the options alone; a list replaces them (see `_replace_options`)."""
    check_may_edit_menu(actor)
    _refuse_unknown(data, OPTION_GROUP_FIELDS)
    _apply(group, data)
    option_count = len(options) if options is not None else (
        Option.objects.for_tenant(group.tenant_id).filter(group=group).count())
    _check_selection_bounds(group, option_count)
    group.full_clean(exclude=["tenant", "item"])
    group.save()
    if options is not None:
        _replace_options(group, options)
    _changed(group.tenant_id)
    return group


@transaction.atomic
def option_group_delete(*, group: OptionGroup, actor: Actor) -> None:
    check_may_edit_menu(actor)
    tenant_id = group.tenant_id
    group.delete()
    _changed(tenant_id)


@transaction.atomic
def option_group_move(*, group: OptionGroup, direction: str, actor: Actor) -> None:
    """One place up or down among its item's groups."""
    check_may_edit_menu(actor)
    _move(OptionGroup.objects.for_tenant(group.tenant_id).filter(item_id=group.item_id), group, direction)


@transaction.atomic
def option_update(*, option: Option, data: dict[str, Any], actor: Actor) -> Option:
    """Staff may change `is_available` only (e.g. out of one topping)."""
    check_may_change(actor, data)
    _refuse_unknown(data, OPTION_FIELDS)
    _apply(option, data)
    option.full_clean(exclude=["tenant", "group"])
    option.save()
    _changed(option.tenant_id)
    return option


def option_set_availability(*, option: Option, is_available: bool, actor: Actor) -> Option:
    return option_update(option=option, data={"is_available": is_available}, actor=actor)
