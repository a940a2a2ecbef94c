from django.core.management.base import BaseCommand

from foodsys.common.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Prints the demo logins and the URLs of the dashboard, API docs and admin."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host: str, port: str, **options):
        base = f"http://{host}:{port}"
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
        for email, name, role, is_admin in DEMO_USERS:
            kind = "admin" if is_admin else role
            lines.append(f"  {email:<28} {kind:<17} {name}")
        lines.append("")
        self.stdout.write("\n".join(lines))
