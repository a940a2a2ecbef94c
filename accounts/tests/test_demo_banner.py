"""`manage.py demo_banner` (run by `make run`): each demo login with its role, read from the memberships."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Membership

pytestmark = pytest.mark.django_db


def _banner() -> dict[str, str]:
    out = StringIO()
    call_command("demo_banner", "--host", "127.0.0.1", "--port", "8000", stdout=out)
    lines = out.getvalue().splitlines()
    assert "  Dashboard   http://127.0.0.1:8000/dashboard/" in lines
    return {line.split()[0]: line for line in lines if "@demo.foodsys.dev" in line}


def test_the_banner_says_who_owns_what_and_that_staff_is_staff():
    # given
    call_command("seed_demo", stdout=StringIO())
    # when
    logins = _banner()
    # then
    assert logins["owner@demo.foodsys.dev"].endswith("owner of Pizzeria Roma, Sushi Zen")
    assert logins["owner2@demo.foodsys.dev"].endswith("owner of Taco Loco")
    assert logins["staff@demo.foodsys.dev"].endswith("staff of Pizzeria Roma")
    assert "customer" not in logins["staff@demo.foodsys.dev"]
    assert logins["alice@demo.foodsys.dev"].endswith("customer")
    assert "admin" in logins["admin@demo.foodsys.dev"]


def test_the_banner_follows_the_memberships_not_a_fixed_list():
    # given: staff was also made staff of Taco Loco
    call_command("seed_demo", stdout=StringIO())
    staff = Membership.objects.get(user__email="staff@demo.foodsys.dev").user
    taco = Membership.objects.get(user__email="owner2@demo.foodsys.dev").tenant
    Membership.objects.create(user=staff, tenant=taco, role="staff")
    # when / then
    assert _banner()["staff@demo.foodsys.dev"].endswith("staff of Pizzeria Roma, Taco Loco")


def test_before_seeding_the_banner_says_the_logins_do_not_exist_yet():
    logins = _banner()
    assert len(logins) == 6
    assert all("not in this database yet" in line for line in logins.values())
