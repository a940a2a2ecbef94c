from datetime import UTC, datetime

import pytest

from foodsys.common.exceptions import NotFoundError
from foodsys.testing import factories as f
from restaurants.selectors import (
    restaurant_get,
    restaurant_list,
    restaurant_live_flags,
    restaurant_open_at,
)

pytestmark = pytest.mark.django_db

MONDAY_NOON_UTC = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def test_cuisine_filter_matches_whole_tags_on_any_database():
    korean = f.RestaurantFactory(cuisines=["Korean", "BBQ"])
    f.RestaurantFactory(cuisines=["Korean-fusion"])

    assert list(restaurant_list(cuisine="bbq")) == [korean]
    assert list(restaurant_list(cuisine="KOREAN")) == [korean]
    assert list(restaurant_list(cuisine="kor")) == []


def test_list_excludes_inactive_and_orders_by_name():
    b, a = f.RestaurantFactory(name="B"), f.RestaurantFactory(name="A")
    f.RestaurantFactory(name="C", is_active=False)

    assert list(restaurant_list()) == [a, b]


def test_open_at_uses_each_restaurants_time_zone():
    # 12:00 UTC is 13:00 in Berlin and 07:00 in New York
    lunch = {"monday": [{"open": "12:30", "close": "14:00"}]}
    berlin = f.RestaurantFactory(timezone="Europe/Berlin", opening_hours=lunch)
    f.RestaurantFactory(timezone="America/New_York", opening_hours=lunch)

    open_now = restaurant_open_at(restaurants=restaurant_list(), when=MONDAY_NOON_UTC)

    assert list(open_now) == [berlin]


def test_live_flags_are_computed_for_the_given_instant():
    flags = restaurant_live_flags(opening_hours={}, timezone="UTC", accepting_orders=False, paused_until=None,
                                  now=MONDAY_NOON_UTC)

    assert flags == {"is_open_now": False, "is_paused": True}


def test_inactive_restaurant_is_visible_to_its_staff(staff, restaurant):
    restaurant.is_active = False
    restaurant.save()

    assert restaurant_get(restaurant_id=restaurant.id, user=staff) == restaurant
    with pytest.raises(NotFoundError):
        restaurant_get(restaurant_id=restaurant.id, user=None)


@pytest.mark.parametrize(("accepting_orders", "paused_for"), [(True, None), (False, None), (False, 1), (False, -1)])
@pytest.mark.parametrize("hours", [None, {}, {"monday": [{"open": "12:30", "close": "14:00"}]},
                                   {"monday": [{"open": "11:00", "close": "13:00"}]}])
def test_live_flags_agree_with_the_models_own_rules(accepting_orders, paused_for, hours):
    from datetime import timedelta

    restaurant = f.RestaurantFactory.build(
        timezone="Europe/Berlin", opening_hours=hours, accepting_orders=accepting_orders,
        paused_until=None if paused_for is None else MONDAY_NOON_UTC + timedelta(hours=paused_for))

    flags = restaurant_live_flags(opening_hours=restaurant.opening_hours, timezone=restaurant.timezone,
                                  accepting_orders=restaurant.accepting_orders,
                                  paused_until=restaurant.paused_until, now=MONDAY_NOON_UTC)

    assert flags == {"is_open_now": restaurant.is_open_at(MONDAY_NOON_UTC),
                     "is_paused": restaurant.is_paused(MONDAY_NOON_UTC)}
