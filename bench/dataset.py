"""Writes what the load generators need (run as `python -m bench.dataset OUT_DIR` with the bench env).

- data.json: restaurants (id, tenant, items, options), cities, customer and owner JWTs, the pending
  orders for the `status` scenario, and the tenants reserved for the `pipeline` and `fan-out` scenarios.
- data.lua: the same as a Lua table for wrk's scripts.
JWTs are minted with simplejwt (signed with this run's SECRET_KEY) and live 2 h, longer than any run.
"""

import json
import sys
from datetime import timedelta
from pathlib import Path

import django

django.setup()

from rest_framework_simplejwt.settings import api_settings as jwt_settings  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402
from rest_framework_simplejwt.utils import get_md5_hash_password  # noqa: E402

from accounts.models import Membership, User  # noqa: E402
from menu.models import MenuItem, Option  # noqa: E402
from orders.models import Order  # noqa: E402
from restaurants.models import Restaurant  # noqa: E402

TOKEN_LIFETIME = timedelta(hours=2)
# Restaurants by position: 0 is the fan-out tenant, 1..20 the pipeline tenants; all take part in the
# menu/list/order/status scenarios too.
FANOUT_INDEX = 0
PIPELINE_FIRST = 1


def token_for(user_id: int) -> str:
    token = AccessToken()
    token["user_id"] = int(user_id)
    # Bound to the password like every token (SIMPLE_JWT CHECK_REVOKE_TOKEN), or the API refuses it.
    password = User.objects.values_list("password", flat=True).get(pk=user_id)
    token[jwt_settings.REVOKE_TOKEN_CLAIM] = get_md5_hash_password(password)
    token.set_exp(lifetime=TOKEN_LIFETIME)
    return str(token)


def build() -> dict:
    restaurants = list(Restaurant.objects.filter(is_active=True).order_by("id").values("id", "tenant_id", "city"))
    options: dict[int, list[int]] = {}
    for option_id, item_id in Option.objects.values_list("id", "group__item_id").order_by("id"):
        options.setdefault(item_id, []).append(option_id)
    items: dict[str, list[dict]] = {}
    for item_id, tenant_id in MenuItem.objects.filter(is_available=True).values_list("id", "tenant_id").order_by("id"):
        items.setdefault(str(tenant_id), []).append({"id": item_id, "options": options.get(item_id, [])})
    owners = {str(t): u for t, u in Membership.objects.filter(role="owner").values_list("tenant_id", "user_id")}
    customers = list(User.objects.filter(role="customer", email__endswith="@bench.foodsys.dev")
                     .order_by("id").values_list("id", flat=True))
    owner_tokens = {tenant: token_for(user_id) for tenant, user_id in owners.items()}
    rows = []
    for r in restaurants:
        tenant = str(r["tenant_id"])
        rows.append({"id": r["id"], "tenant_id": tenant, "city": r["city"], "items": items.get(tenant, []),
                     "owner_token": owner_tokens[tenant]})
    pending = [{"id": str(order_id), "tenant_id": str(tenant_id)} for order_id, tenant_id in
               Order.objects.filter(status="pending").order_by("created_at").values_list("id", "tenant_id")]
    return {
        "restaurants": rows,
        "cities": sorted({r["city"] for r in restaurants}),
        "customer_tokens": [token_for(c) for c in customers],
        "pending_orders": pending,
        "fanout_restaurant": FANOUT_INDEX,
        "pipeline_restaurants": list(range(PIPELINE_FIRST, PIPELINE_FIRST + 20)),
    }


def lua_literal(value) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(f"[{json.dumps(k)}]={lua_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ",".join(lua_literal(v) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nil"
    return json.dumps(value)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    data = build()
    (out / "data.json").write_text(json.dumps(data))
    (out / "data.lua").write_text("return " + lua_literal(data) + "\n")
    print(f"[dataset] {len(data['restaurants'])} restaurants, {len(data['customer_tokens'])} customer tokens, "
          f"{len(data['pending_orders'])} pending orders -> {out}")


if __name__ == "__main__":
    main()
