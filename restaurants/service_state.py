"""Busy mode and pause during service: one tap on the board, ending by themselves at a stated time.

Both are stored as an end time (`busy_until`, `paused_until`) and read against `now`, so nothing has
to run to switch them off. Owners, staff and admins use them (`restaurants.roles`)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from foodsys.common.cache import invalidate_catalog_on_commit
from foodsys.common.exceptions import ApplicationError
from foodsys.tenancy.actor import Actor
from restaurants.models import Restaurant
from restaurants.roles import check_may_control_service

MAX_BUSY_MINUTES = 12 * 60
MAX_EXTRA_PREP_MINUTES = 240
MAX_PAUSE_MINUTES = 7 * 24 * 60


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(f"{field}: {message}", code="validation_error", fields={field: [message]})


def _minutes(value, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _invalid(field, f"Must be a whole number of minutes from {low} to {high}.")
    return value


@dataclass(frozen=True)
class ServiceState:
    accepting_orders: bool
    paused: bool
    paused_until: datetime | None
    busy: bool
    busy_until: datetime | None
    busy_extra_prep_minutes: int
    open_now: bool
    auto_accept: bool
    timezone: str
    now: datetime


def service_state(restaurant: Restaurant, *, now: datetime) -> ServiceState:
    """What the board's banner shows: paused / closed / busy as of `now` (expired ones read as off)."""
    paused = restaurant.is_paused(now)
    busy = restaurant.is_busy(now)
    return ServiceState(
        accepting_orders=restaurant.accepting_orders, paused=paused,
        paused_until=restaurant.paused_until if paused else None,
        busy=busy, busy_until=restaurant.busy_until if busy else None,
        busy_extra_prep_minutes=restaurant.busy_extra_prep_minutes if busy else 0,
        open_now=restaurant.is_open_at(now), auto_accept=restaurant.auto_accept,
        timezone=restaurant.timezone, now=now)


def _locked(restaurant: Restaurant) -> Restaurant:
    return Restaurant.objects.select_for_update().get(pk=restaurant.pk)


def _save(restaurant: Restaurant, fields: list[str]) -> Restaurant:
    restaurant.save(update_fields=[*fields, "updated_at"])
    invalidate_catalog_on_commit(restaurant.tenant_id, restaurant_changed=True)
    return restaurant


@transaction.atomic
def restaurant_busy_start(*, restaurant: Restaurant, actor: Actor, minutes, extra_prep_minutes,
                          now: datetime) -> Restaurant:
    """Busy for `minutes` from `now` (at most 12 h): every quote gets `extra_prep_minutes` more
    (0-240) until then. Starting it again replaces the end time and the extra minutes."""
    check_may_control_service(actor)
    minutes = _minutes(minutes, field="minutes", low=1, high=MAX_BUSY_MINUTES)
    extra = _minutes(extra_prep_minutes, field="extra_prep_minutes", low=0, high=MAX_EXTRA_PREP_MINUTES)
    restaurant = _locked(restaurant)
    restaurant.busy_until = now + timedelta(minutes=minutes)
    restaurant.busy_extra_prep_minutes = extra
    return _save(restaurant, ["busy_until", "busy_extra_prep_minutes"])


@transaction.atomic
def restaurant_busy_end(*, restaurant: Restaurant, actor: Actor) -> Restaurant:
    check_may_control_service(actor)
    restaurant = _locked(restaurant)
    restaurant.busy_until = None
    return _save(restaurant, ["busy_until"])


@transaction.atomic
def restaurant_pause(*, restaurant: Restaurant, actor: Actor, minutes, now: datetime) -> Restaurant:
    """Stops online ordering for `minutes` (1 minute to 7 days), or until resumed when None."""
    check_may_control_service(actor)
    if minutes is not None:
        minutes = _minutes(minutes, field="minutes", low=1, high=MAX_PAUSE_MINUTES)
    restaurant = _locked(restaurant)
    restaurant.accepting_orders = False
    restaurant.paused_until = None if minutes is None else now + timedelta(minutes=minutes)
    return _save(restaurant, ["accepting_orders", "paused_until"])


@transaction.atomic
def restaurant_resume(*, restaurant: Restaurant, actor: Actor) -> Restaurant:
    check_may_control_service(actor)
    restaurant = _locked(restaurant)
    restaurant.accepting_orders = True
    restaurant.paused_until = None
    return _save(restaurant, ["accepting_orders", "paused_until"])
