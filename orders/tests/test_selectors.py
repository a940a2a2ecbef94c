from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from foodsys.common.exceptions import NotFoundError
from foodsys.tenancy.actor import Actor
from foodsys.tenancy.resolution import resolve_tenant
from foodsys.testing import factories as f
from orders import selectors
from orders.enums import OrderStatus
from orders.models import Order
from orders.presenters import order_summary
from orders.selectors import OrderFilters
from orders.tests.helpers import advance, menu_item_in, place


@pytest.fixture
def two_tenants(customer, restaurant, other_restaurant, menu_item):
    """Two orders of `customer` at `restaurant`, one of someone else at `other_restaurant`."""
    ours = [place(customer=customer, restaurant=restaurant, lines=[(menu_item, n)]).order for n in (1, 2)]
    theirs = place(customer=f.UserFactory(), restaurant=other_restaurant,
                   lines=[(menu_item_in(other_restaurant), 1)]).order
    return ours, theirs


def _ids(orders):
    return {order.pk for order in orders}


def test_the_tenant_view_shows_only_that_tenants_orders(two_tenants, owner, restaurant):
    ours, _ = two_tenants
    assert _ids(selectors.order_list(user=owner, tenant=restaurant, filters=OrderFilters())) == _ids(ours)


def test_the_customer_view_shows_only_their_own_orders(two_tenants, customer):
    ours, _ = two_tenants
    assert _ids(selectors.order_list(user=customer, tenant=None, filters=OrderFilters())) == _ids(ours)


def test_mine_only_shows_a_members_own_orders(two_tenants, owner, restaurant, other_restaurant):
    # given: the owner ordered somewhere else as a customer
    own = place(customer=owner, restaurant=other_restaurant, lines=[(menu_item_in(other_restaurant), 1)]).order

    # when
    orders = selectors.order_list(user=owner, tenant=restaurant, filters=OrderFilters(), mine_only=True)

    # then
    assert _ids(orders) == {own.pk}


def test_an_admin_without_a_tenant_sees_every_order(two_tenants, admin_user, other_restaurant):
    ours, theirs = two_tenants
    assert _ids(selectors.order_list(user=admin_user, tenant=None, filters=OrderFilters())) == _ids([*ours, theirs])
    assert _ids(selectors.order_list(user=admin_user, tenant=other_restaurant, filters=OrderFilters())) == {theirs.pk}


def test_filters_combine(two_tenants, owner, restaurant):
    # given
    first, second = two_tenants[0]
    advance(first, OrderStatus.CONFIRMED, actor=owner)
    Order.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(days=2))

    # when
    confirmed = selectors.order_list(user=owner, tenant=restaurant, filters=OrderFilters(statuses=("confirmed",)))
    recent = selectors.order_list(user=owner, tenant=restaurant,
                                  filters=OrderFilters(created_after=timezone.now() - timedelta(days=1)))
    older = selectors.order_list(user=owner, tenant=restaurant,
                                 filters=OrderFilters(created_before=timezone.now() - timedelta(days=1)))
    elsewhere = selectors.order_list(user=owner, tenant=restaurant, filters=OrderFilters(restaurant_id=-1))

    # then
    assert _ids(confirmed) == {first.pk}
    assert _ids(recent) == {first.pk}
    assert _ids(older) == {second.pk}
    assert list(elsewhere) == []


def test_ordering_by_total(two_tenants, owner, restaurant):
    cheap, dear = two_tenants[0]
    assert list(selectors.order_list(user=owner, tenant=restaurant, filters=OrderFilters(ordering="total"))) == [
        cheap, dear]
    assert list(selectors.order_list(user=owner, tenant=restaurant, filters=OrderFilters(ordering="-total"))) == [
        dear, cheap]


@pytest.mark.parametrize("count", [1, 6])
def test_listing_with_summaries_takes_two_queries_whatever_the_size(customer, restaurant, menu_item, owner, count,
                                                                    django_assert_num_queries):
    # given
    for _ in range(count):
        place(customer=f.UserFactory(), restaurant=restaurant, lines=[(menu_item, 1), (menu_item, 2)])

    # when / then: orders (joined with restaurant and customer) + their lines
    with django_assert_num_queries(2):
        summaries = [order_summary(o, role="owner") for o in selectors.order_list(user=owner, tenant=restaurant,
                                                                                  filters=OrderFilters())]
    assert len(summaries) == count and all(len(s["lines"]) == 2 for s in summaries)


def test_order_get_returns_the_callers_actor(pending_order, customer, owner, staff, admin_user):
    assert selectors.order_get(user=customer, order_id=pending_order.pk)[1] == Actor(user=customer, role="customer")
    assert selectors.order_get(user=owner, order_id=pending_order.pk)[1] == Actor(user=owner, role="owner")
    assert selectors.order_get(user=staff, order_id=str(pending_order.pk))[1] == Actor(user=staff, role="staff")
    assert selectors.order_get(user=admin_user, order_id=pending_order.pk)[1] == Actor(user=admin_user, role="admin")


def test_a_member_ordering_at_their_own_restaurant_acts_as_its_member(owner, restaurant, menu_item):
    order = place(customer=owner, restaurant=restaurant, lines=[(menu_item, 1)]).order
    assert selectors.order_actor(order=order, user=owner).role == "owner"


def test_the_requests_tenancy_saves_the_membership_query(pending_order, owner, customer,
                                                          django_assert_num_queries):
    # given what the tenant middleware learned while resolving each user's tenant
    owner_tenancy = resolve_tenant(user=owner, header_value=None)
    customer_tenancy = resolve_tenant(user=customer, header_value=None)

    # when / then: both already know every membership of their user
    with django_assert_num_queries(0):
        assert selectors.order_actor(order=pending_order, user=owner, tenancy=owner_tenancy).role == "owner"
        assert selectors.order_actor(order=pending_order, user=customer, tenancy=customer_tenancy).role == "customer"


def test_a_tenancy_resolved_for_someone_else_is_not_trusted(pending_order, owner, other_owner):
    # given the owner's resolution, handed over with another user
    owner_tenancy = resolve_tenant(user=owner, header_value=None)

    # when / then: the other user's own memberships decide (they have none here)
    assert selectors.order_actor(order=pending_order, user=other_owner, tenancy=owner_tenancy) is None


def test_memberships_learned_earlier_are_not_kept_on_the_user(pending_order, owner):
    # given the owner's tenant was resolved once (on this very user object), then the membership ended
    resolve_tenant(user=owner, header_value=None)
    Membership.objects.filter(user=owner).delete()

    # when / then: nothing remembered on the user object outlives what was passed explicitly
    assert selectors.order_actor(order=pending_order, user=owner) is None


def test_order_get_hides_other_peoples_orders(pending_order, other_owner):
    for user, order_id in [(other_owner, pending_order.pk), (f.UserFactory(), pending_order.pk),
                           (other_owner, "nope"), (other_owner, "../../etc")]:
        with pytest.raises(NotFoundError):
            selectors.order_get(user=user, order_id=order_id)
