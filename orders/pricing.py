"""Prices order lines from the menu: the items, their option groups and options in ONE query.

(A `prefetch_related("option_groups__options")` costs three queries and builds model instances
we only read a few fields of; the order path is hot, so this reads plain rows.)
Client prices are never read. Every rule raises ApplicationError (400) or ConflictError (409)
naming the offending line.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from foodsys.common.exceptions import ApplicationError, ConflictError
from menu.models import MenuItem
from restaurants.models import Restaurant
from restaurants.zones import zone_match


class LineInput(Protocol):
    menu_item_id: int
    quantity: int
    option_ids: tuple[int, ...]
    special_instructions: str


@dataclass
class PricingOption:
    id: int
    name: str
    price_delta: Decimal
    is_available: bool


@dataclass
class PricingGroup:
    id: int
    name: str
    min_select: int
    max_select: int
    options: list[PricingOption] = field(default_factory=list)


@dataclass
class PricingItem:
    id: int
    name: str
    price: Decimal
    is_available: bool
    preparation_time: int
    load: int = 1  # kitchen load per unit (slot capacity, the ETA)
    groups: dict[int, PricingGroup] = field(default_factory=dict)  # in menu order


@dataclass(frozen=True)
class PricedLine:
    item: PricingItem
    quantity: int
    unit_price: Decimal
    options: list[dict[str, Any]]
    special_instructions: str

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


_COLUMNS = ("id", "name", "price", "is_available", "preparation_time", "load",
            "option_groups__id", "option_groups__name", "option_groups__min_select", "option_groups__max_select",
            "option_groups__options__id", "option_groups__options__name", "option_groups__options__price_delta",
            "option_groups__options__is_available")


def pricing_items(*, restaurant: Restaurant, item_ids: set[int]) -> dict[int, PricingItem]:
    """The restaurant's items among `item_ids` (another tenant's ids are simply absent)."""
    rows = (MenuItem.objects.for_tenant(restaurant).filter(pk__in=item_ids)
            .order_by("id", "option_groups__position", "option_groups__id",
                      "option_groups__options__position", "option_groups__options__id")
            .values_list(*_COLUMNS))
    items: dict[int, PricingItem] = {}
    for (item_id, name, price, available, prep, load, group_id, group_name, min_select, max_select,
         option_id, option_name, delta, option_available) in rows:
        item = items.get(item_id)
        if item is None:
            item = items[item_id] = PricingItem(item_id, name, price, available, prep, load)
        if group_id is None:
            continue
        group = item.groups.get(group_id)
        if group is None:
            group = item.groups[group_id] = PricingGroup(group_id, group_name, min_select, max_select)
        if option_id is not None:
            group.options.append(PricingOption(option_id, option_name, delta, option_available))
    return items


def _line_price(index: int, line: LineInput, item: PricingItem | None) -> PricedLine:
    path = f"items[{index}]"
    if item is None:
        raise ApplicationError(f"{path}.menu_item: item {line.menu_item_id} is not on this restaurant's menu.",
                               code="item_not_found", fields={f"{path}.menu_item": ["Not on this menu."]})
    if not item.is_available:
        raise ConflictError(f"{path}.menu_item: '{item.name}' is not available right now.",
                            code="item_unavailable", fields={f"{path}.menu_item": ["Not available."]})
    options_by_id = {option.id: (group, option) for group in item.groups.values() for option in group.options}
    chosen: list[dict[str, Any]] = []
    per_group: dict[int, int] = {}
    for option_id in line.option_ids:
        if option_id not in options_by_id:
            raise ApplicationError(f"{path}.options: option {option_id} does not belong to '{item.name}'.",
                                   code="invalid_option", fields={f"{path}.options": [f"Unknown option {option_id}."]})
        group, option = options_by_id[option_id]
        if not option.is_available:
            raise ConflictError(f"{path}.options: '{option.name}' is not available right now.",
                                code="option_unavailable", fields={f"{path}.options": ["Not available."]})
        per_group[group.id] = per_group.get(group.id, 0) + 1
        chosen.append({"id": option.id, "group": group.name, "name": option.name,
                       "price_delta": f"{option.price_delta:.2f}"})
    for group in item.groups.values():
        count = per_group.get(group.id, 0)
        if count < group.min_select:
            raise ApplicationError(f"{path}.options: choose at least {group.min_select} from '{group.name}'.",
                                   code="option_group_min", fields={f"{path}.options": [
                                       f"'{group.name}' needs at least {group.min_select}."]})
        if count > group.max_select:
            raise ApplicationError(f"{path}.options: choose at most {group.max_select} from '{group.name}'.",
                                   code="option_group_max", fields={f"{path}.options": [
                                       f"'{group.name}' allows at most {group.max_select}."]})
    # A negative option delta can never make a line cost less than nothing.
    unit_price = max(Decimal("0.00"), item.price + sum((Decimal(o["price_delta"]) for o in chosen), Decimal(0)))
    return PricedLine(item=item, quantity=line.quantity, unit_price=unit_price, options=chosen,
                      special_instructions=line.special_instructions)


def lines_price(*, restaurant: Restaurant, lines: list[LineInput]) -> list[PricedLine]:
    items = pricing_items(restaurant=restaurant, item_ids={line.menu_item_id for line in lines})
    return [_line_price(i, line, items.get(line.menu_item_id)) for i, line in enumerate(lines)]


ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DeliveryTerms:
    """What an order's fulfilment costs and needs: the delivery fee (waived from `free_delivery_over`),
    the minimum subtotal, and the delivery zone that set them (None: the restaurant's own terms)."""

    fee: Decimal
    minimum_order: Decimal
    free_delivery_over: Decimal | None = None
    zone_name: str | None = None

    def fee_for(self, subtotal: Decimal) -> Decimal:
        if self.free_delivery_over is not None and subtotal >= self.free_delivery_over:
            return ZERO
        return self.fee


PICKUP_TERMS = DeliveryTerms(fee=ZERO, minimum_order=ZERO)


def delivery_terms(*, restaurant: Restaurant, address: dict) -> DeliveryTerms:
    """The delivery terms for `address`: its cheapest delivery zone (restaurants.zones), or the
    restaurant's one fee and minimum when it has no zones. An address outside every zone is a 400
    naming `delivery_address`."""
    try:
        match = zone_match(restaurant=restaurant, address=address)
    except ApplicationError as exc:  # the zone rules name "address.lat"; this request calls it delivery_address
        exc.fields = {f"delivery_{path}" if path.startswith("address") else path: messages
                      for path, messages in exc.fields.items()}
        raise
    if match.refused:
        raise ApplicationError(match.message, code=match.reason, fields={"delivery_address": [match.message]})
    return DeliveryTerms(fee=match.delivery_fee, minimum_order=match.minimum_order,
                         free_delivery_over=match.free_delivery_over,
                         zone_name=match.zone.name if match.zone is not None else None)
