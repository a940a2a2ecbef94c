"""Prints the URLs of `make run` and who each demo login is: the role each has in which restaurant,
read from the memberships `seed_demo` made (not from the account's signup role)."""

from django.core.management.base import BaseCommand
from django.db.models import Prefetch

from accounts.models import Membership, User
from accounts.selectors import membership_roles_text
from foodsys.common.demo import DEMO_PASSWORD, DEMO_USERS


def login_description(user: User | None) -> str:
    """"admin (every restaurant)", "owner of Pizzeria Roma, Sushi Zen", "staff of Pizzeria Roma", "customer"."""
    if user is None:
        return "not in this database yet (run `make seed`)"
    roles = membership_roles_text(user.memberships.all())
    if user.is_superuser:
        return "admin (every restaurant, Django admin)" + (f"; {roles}" if roles else "")
    if roles:
        return roles
    if user.role == "restaurant_owner":
        return "restaurant owner (no restaurant yet)"
    return "customer"


class Command(BaseCommand):
    help = "Prints the demo logins (with their role in each restaurant) and the URLs of the dashboard, API and admin."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host: str, port: str, **options):
        base = f"http://{host}:{port}"
        emails = [email for email, *_ in DEMO_USERS]
        users = {user.email: user for user in User.objects.filter(email__in=emails).prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("tenant")))}
        lines = [
            "",
            "FoodSys (embedded mode: SQLite, local-memory cache, in-memory channel layer, in-process events)",
            f"  Storefront  {base}/",
            f"  Dashboard   {base}/dashboard/",
            f"  API         {base}/api/",
            f"  API docs    {base}/api/docs/",
            f"  Admin       {base}/admin/",
            f"  Health      {base}/healthz",
            "",
            f"Demo logins (password for all: {DEMO_PASSWORD})",
        ]
        width = max(len(email) for email in emails)
        for email, name, *_ in DEMO_USERS:
            lines.append(f"  {email:<{width}}  {name:<15} {login_description(users.get(email))}")
        lines.append("")
        self.stdout.write("\n".join(lines))
