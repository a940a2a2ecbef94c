import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import MembershipRole
from accounts.selectors import membership_list, membership_role, user_memberships
from foodsys.testing.factories import MembershipFactory, OwnerFactory, RestaurantFactory, UserFactory


@pytest.fixture
def owner_of_two(db):
    owner = OwnerFactory()
    zeta, alpha = RestaurantFactory(name="Zeta"), RestaurantFactory(name="Alpha")
    MembershipFactory(user=owner, tenant=zeta, role=MembershipRole.OWNER)
    MembershipFactory(user=owner, tenant=alpha, role=MembershipRole.STAFF)
    return owner, alpha, zeta


def test_membership_list_is_ordered_by_restaurant_and_filterable_by_role(owner_of_two, django_assert_num_queries):
    owner, alpha, zeta = owner_of_two

    with django_assert_num_queries(1):
        names = [m.tenant.name for m in membership_list(owner)]

    assert names == ["Alpha", "Zeta"]
    assert [m.tenant_id for m in membership_list(owner, roles=["owner"])] == [zeta.tenant_id]


def test_membership_list_of_anonymous_is_empty(db):
    assert list(membership_list(AnonymousUser())) == []


def test_user_memberships_shape(owner_of_two):
    owner, alpha, _ = owner_of_two

    first = user_memberships(owner)[0]

    assert first == {"restaurant_id": alpha.pk, "tenant_id": alpha.tenant_id, "restaurant_name": "Alpha",
                     "role": "staff"}


def test_membership_role_by_restaurant_or_tenant_uuid(owner_of_two):
    owner, alpha, zeta = owner_of_two
    stranger = UserFactory()

    assert membership_role(user=owner, tenant=zeta) == "owner"
    assert membership_role(user=owner, tenant=alpha.tenant_id) == "staff"
    assert membership_role(user=stranger, tenant=zeta) is None
    assert membership_role(user=AnonymousUser(), tenant=zeta) is None
