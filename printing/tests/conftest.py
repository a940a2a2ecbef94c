import pytest

from foodsys.tenancy.actor import OWNER, STAFF, Actor
from printing.models import DeviceKind
from printing.services import print_device_register


@pytest.fixture
def owner_actor(owner):
    return Actor(user=owner, role=OWNER)


@pytest.fixture
def staff_actor(staff):
    return Actor(user=staff, role=STAFF)


@pytest.fixture
def kitchen_agent(restaurant, owner_actor):
    """A registered print agent of `restaurant`: (device, token)."""
    registered = print_device_register(restaurant=restaurant, actor=owner_actor, name="Kitchen printer",
                                       kind=DeviceKind.AGENT)
    return registered.device, registered.token


@pytest.fixture
def tablet(restaurant, staff_actor):
    return print_device_register(restaurant=restaurant, actor=staff_actor, name="Pass tablet",
                                 kind=DeviceKind.BROWSER, paper_width=58).device
