"""EXPLAIN (ANALYZE, BUFFERS) of the hot queries on the seeded bench database (100k historic orders).

    python -m bench.explain OUT_JSON      (with the bench environment; run by bench/run.py)

For each query: the plan's scan nodes (Index Scan / Index Only Scan / Seq Scan, with the index
used), the planner's estimate and the execution time. A Seq Scan on a big table is what to look at.
"""

import json
import sys
from pathlib import Path

import django

django.setup()

from accounts.models import Membership, User  # noqa: E402
from orders.models import IdempotencyRecord, Order, OrderLine, OutboxEvent  # noqa: E402
from restaurants.models import Restaurant  # noqa: E402

ACTIVE = ["pending", "confirmed", "preparing", "ready", "out_for_delivery"]


def _scans(node: dict, found: list) -> list:
    kind = node.get("Node Type", "")
    if "Scan" in kind:
        found.append({"node": kind, "relation": node.get("Relation Name"), "index": node.get("Index Name"),
                      "rows": node.get("Actual Rows")})
    for child in node.get("Plans", []):
        _scans(child, found)
    return found


def _explain(queryset) -> dict:
    plan = json.loads(queryset.explain(format="json", analyze=True, buffers=True))[0]
    return {"execution_ms": round(plan["Execution Time"], 3), "planning_ms": round(plan["Planning Time"], 3),
            "scans": _scans(plan["Plan"], [])}


def hot_queries() -> dict:
    busiest = Order.objects.values_list("tenant_id", flat=True).order_by("tenant_id").first()
    tenant = Restaurant.objects.get(tenant_id=busiest)
    customer_id = Order.objects.for_tenant(tenant).values_list("customer_id", flat=True).first()
    customer = User.objects.get(pk=customer_id)
    order = Order.objects.for_tenant(tenant).order_by("-created_at").first()
    item_ids = list(tenant_items(tenant))
    return {
        "board: tenant's active orders": Order.objects.for_tenant(tenant).filter(status__in=ACTIVE)
        .order_by("-created_at", "-id")[:100],
        "orders list: tenant, newest first": Order.objects.for_tenant(tenant).order_by("-created_at", "-id")[:50],
        "orders list: customer's own": Order.objects.filter(customer=customer).order_by("-created_at", "-id")[:50],
        "order detail: lines": OrderLine.objects.for_tenant(tenant).filter(order=order),
        "order detail: by id": Order.objects.filter(pk=order.pk),
        "pricing: items, groups, options": _pricing_queryset(tenant, item_ids),
        "fast path: tenant's older unpublished": OutboxEvent.objects.for_tenant(tenant)
        .filter(published_at__isnull=True, id__lt=2**62).order_by("id").values_list("id", flat=True)[:100],
        "relay: unpublished scan": OutboxEvent.objects.filter(published_at__isnull=True).order_by("id")
        .values_list("tenant_id", flat=True)[:1000],
        "tenant middleware: user's memberships": Membership.objects.filter(user=customer).select_related("tenant")[:2],
        "idempotency replay lookup": IdempotencyRecord.objects.filter(customer=customer, key="k"),
        "daily metrics rebuild: tenant's orders of a day": Order.objects.for_tenant(tenant)
        .filter(created_at__gte=order.created_at.replace(hour=0, minute=0)),
    }


def tenant_items(tenant):
    from menu.models import MenuItem

    return MenuItem.objects.for_tenant(tenant).values_list("id", flat=True)[:3]


def _pricing_queryset(tenant, item_ids):
    from menu.models import MenuItem
    from orders import pricing

    return (MenuItem.objects.for_tenant(tenant).filter(pk__in=item_ids)
            .order_by("id", "option_groups__position", "option_groups__id", "option_groups__options__position",
                      "option_groups__options__id").values_list(*pricing._COLUMNS))


def main() -> None:
    results = {name: _explain(queryset) for name, queryset in hot_queries().items()}
    results["_table_rows"] = {model._meta.db_table: model.objects.count()
                              for model in (Order, OrderLine, OutboxEvent, IdempotencyRecord)}
    Path(sys.argv[1]).write_text(json.dumps(results, indent=2))
    for name, row in results.items():
        if not name.startswith("_"):
            scans = ", ".join(f"{s['node']} {s['relation']}" + (f" ({s['index']})" if s["index"] else "")
                              for s in row["scans"])
            print(f"{row['execution_ms']:8.3f} ms  {name}: {scans}")


if __name__ == "__main__":
    main()
