"""The demo logins `seed_demo` creates and `demo_banner` prints (demo-only credentials)."""

DEMO_PASSWORD = "FoodSys-demo-2026"  # noqa: S105 - published demo credential, local use only

DEMO_USERS = [
    # (email, name, role, is_admin)
    ("admin@demo.foodsys.dev", "Ada Admin", "customer", True),
    ("owner@demo.foodsys.dev", "Olivia Owner", "restaurant_owner", False),
    ("owner2@demo.foodsys.dev", "Oscar Owner", "restaurant_owner", False),
    ("staff@demo.foodsys.dev", "Sam Staff", "customer", False),
    ("alice@demo.foodsys.dev", "Alice Customer", "customer", False),
    ("bob@demo.foodsys.dev", "Bob Customer", "customer", False),
]
