"""Guards tenant isolation for every model and every API view, present and future.

1. Every tenant-owned model (a FK to Restaurant, or living in a tenant-owned app) has a non-null
   `tenant` FK to Restaurant.tenant_id, the scoped manager, and an index that starts with `tenant`.
2. Every DRF view in the URL conf whose `get_queryset()` returns a tenant-scoped model filters the
   main table by the request's tenant (checked in the SQL, for every action of a viewset).
   A view that has no such queryset (a public, cross-tenant or queryset-free view) must be listed
   in ALLOWED_WITHOUT_TENANT_QUERYSET with the reason it is safe; the list may not go stale.
"""

import pytest
from django.apps import apps
from django.db import models
from django.test import RequestFactory
from django.test.utils import isolate_apps
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import MembershipRole
from foodsys.tenancy.models import TenantScopedModel
from foodsys.tenancy.resolution import TenantResolution
from foodsys.testing import factories as f
from menu.models import MenuItem
from restaurants.models import Restaurant

TENANT_OWNED_APPS = {"menu", "orders", "printing"}
TENANT_OWNED_MODELS = {"accounts.Membership"}

_NO_QUERYSET_SELECTORS = "no get_queryset; its selectors take the tenant explicitly (tested in its app)"
ALLOWED_WITHOUT_TENANT_QUERYSET = {
    "rest_framework.routers.APIRootView": "router index: links only, no data",
    "drf_spectacular.views.SpectacularAPIView": "the OpenAPI schema: no tenant data",
    "drf_spectacular.views.SpectacularSwaggerSplitView": "the API docs page: no tenant data",
    "accounts.api.views.RegisterView": "authentication: creates the caller's own user, no tenant",
    "accounts.api.views.LoginView": "authentication: the caller's own credentials, no tenant",
    "accounts.api.views.RefreshView": "authentication: the caller's own token, no tenant",
    "accounts.api.views.LogoutView": "authentication: the caller's own token, no tenant",
    "accounts.api.views.GoogleLoginView": "authentication: the caller's own Google identity, no tenant",
    "accounts.api.views.MeView": "the caller's own profile and memberships, across tenants by design",
    "accounts.api.views.VerifyEmailView": "authentication: verifies the token's own user, no tenant",
    "accounts.api.views.VerifyEmailResendView": "authentication: a link for the caller's own address, no tenant",
    "accounts.api.views.PasswordChangeView": "authentication: the caller's own password, no tenant",
    "accounts.api.views.PasswordResetView": "authentication: a reset link for an address, no tenant",
    "accounts.api.views.PasswordResetConfirmView": "authentication: the link's own user, no tenant",
    "foodsys.realtime.api.views.WsTicketView": "a socket ticket for the caller; tenant access is checked on connect",
    "restaurants.api.views.RestaurantViewSet": "a restaurant IS the tenant: the public catalog spans tenants; "
                                               "writes: restaurants.roles, enforced by the services (actor)",
    "metrics.api.views.MetricsView": f"{_NO_QUERYSET_SELECTORS}: require_tenant()",
    "metrics.api.views.TenantMetricsView": f"{_NO_QUERYSET_SELECTORS}: a membership-checked path tenant",
    "metrics.api.views.OrdersPerMinuteView": f"{_NO_QUERYSET_SELECTORS}: a membership-checked path tenant",
    "orders.api.views.OrderViewSet": f"{_NO_QUERYSET_SELECTORS}: order_list/order_get(user, tenant)",
    "orders.api.entry.RestaurantOrderEntryView": f"{_NO_QUERYSET_SELECTORS}: a membership-checked path restaurant",
    "orders.api.quote.RestaurantQuoteView": f"{_NO_QUERYSET_SELECTORS}: the public restaurant_get, its own menu, "
                                            "zones and kitchen history only; writes nothing",
    "printing.api.views.PrintDeviceListView": f"{_NO_QUERYSET_SELECTORS}: a membership-checked path restaurant",
    "printing.api.views.PrintDeviceDetailView": f"{_NO_QUERYSET_SELECTORS}: a membership-checked path restaurant",
    "printing.api.views.PrintJobClaimView": f"{_NO_QUERYSET_SELECTORS}: the device's member or its own token",
    "printing.api.views.PrintJobAckView": f"{_NO_QUERYSET_SELECTORS}: the device's member or its own token",
    "printing.api.views.OrderReprintView": f"{_NO_QUERYSET_SELECTORS}: order_get(user) and the printing roles",
    "restaurants.api.zones.DeliveryZoneListView": f"{_NO_QUERYSET_SELECTORS}: a membership-checked path restaurant",
    "restaurants.api.zones.DeliveryZoneDetailView": f"{_NO_QUERYSET_SELECTORS}: a membership-checked path restaurant",
    "restaurants.api.zones.DeliveryZoneCheckView": f"{_NO_QUERYSET_SELECTORS}: the public restaurant_get, "
                                                   "its own zones only",
    "orders.api.slots.SlotsView": f"{_NO_QUERYSET_SELECTORS}: the public restaurant_get; orders.capacity counts "
                                  "that restaurant's own orders (for_tenant), showing only remaining capacity",
}


# --- models ----------------------------------------------------------------------------------
def _points_at_restaurant(model) -> bool:
    return any(field.many_to_one or field.one_to_one for field in model._meta.concrete_fields
               if field.is_relation and field.related_model is Restaurant)


def _tenant_owned_models() -> list[type[models.Model]]:
    return [
        model for model in apps.get_models()
        if model is not Restaurant and (
            _points_at_restaurant(model) or model._meta.app_label in TENANT_OWNED_APPS
            or model._meta.label in TENANT_OWNED_MODELS)
    ]


def _first_fields(model) -> list[str]:
    firsts = [index.fields[0] for index in model._meta.indexes if index.fields]
    firsts += [c.fields[0] for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields]
    return firsts


def model_tenancy_problems(model) -> list[str]:
    problems = []
    try:
        tenant = model._meta.get_field("tenant")
    except Exception:
        return [f"{model._meta.label} has no `tenant` field"]
    if not (tenant.many_to_one and tenant.related_model is Restaurant and tenant.target_field.name == "tenant_id"):
        problems.append(f"{model._meta.label}.tenant must be a FK to Restaurant.tenant_id")
    if tenant.null:
        problems.append(f"{model._meta.label}.tenant must be non-null")
    if not issubclass(model, TenantScopedModel) or not hasattr(model.objects, "for_tenant"):
        problems.append(f"{model._meta.label} must inherit TenantScopedModel (for_tenant manager)")
    if not {"tenant", "tenant_id"} & set(_first_fields(model)):
        problems.append(f"{model._meta.label} needs an index whose first field is `tenant` (tenant_index())")
    return problems


def test_tenant_owned_models_are_found():
    labels = {model._meta.label for model in _tenant_owned_models()}

    assert {"menu.MenuItem", "menu.Option", "orders.Order", "accounts.Membership"} <= labels
    assert "restaurants.Restaurant" not in labels and "accounts.User" not in labels


def test_every_tenant_owned_model_has_a_non_null_indexed_tenant():
    problems = [problem for model in _tenant_owned_models() for problem in model_tenancy_problems(model)]

    assert problems == []


def test_model_check_reports_a_model_without_tenant_or_index():
    with isolate_apps("menu"):  # a throwaway registry: the real one stays untouched
        class Unscoped(models.Model):  # noqa: DJ008
            restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE)

            class Meta:
                app_label = "menu"

        class Unindexed(TenantScopedModel):  # noqa: DJ008
            class Meta:
                app_label = "menu"

    assert model_tenancy_problems(Unscoped) == ["menu.Unscoped has no `tenant` field"]
    assert any("index" in problem for problem in model_tenancy_problems(Unindexed))


# --- views -----------------------------------------------------------------------------------
def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def api_views() -> list[tuple[str, URLPattern, type[APIView]]]:
    """Every DRF view in the URL conf (format-suffix duplicates skipped)."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "cls", None)
        if view_class is None or not issubclass(view_class, APIView):
            continue
        if "format" in pattern.pattern.regex.groupindex:
            continue
        found.append((route, pattern, view_class))
    return found


def _dotted(view_class) -> str:
    return f"{view_class.__module__}.{view_class.__qualname__}"


def _guard_request(user, tenant) -> Request:
    http_request = RequestFactory().get("/api/tenancy-guard/")
    http_request.tenant = tenant
    http_request.tenant_role = "owner"
    http_request.tenant_resolution = TenantResolution(tenant=tenant, role="owner")
    request = Request(http_request)
    request.user = user
    return request


def _querysets(pattern: URLPattern, view_class, request, tenant):
    """(action, queryset or None) for each action the URL routes to this view."""
    url_kwargs = {name: str(tenant.tenant_id) if "tenant" in name else "1"
                  for name in pattern.pattern.regex.groupindex}
    actions = getattr(pattern.callback, "actions", None) or {"get": None}
    for action in dict.fromkeys(actions.values()):
        view = view_class(**getattr(pattern.callback, "initkwargs", {}))
        view.action_map = actions
        view.action = action
        view.request, view.args, view.kwargs, view.format_kwarg = request, (), url_kwargs, None
        yield action, view.get_queryset() if hasattr(view, "get_queryset") else None  # GenericAPIView only


def queryset_tenant_problem(queryset, tenant) -> str | None:
    """None when the main table is filtered by `tenant`; else what is wrong."""
    sql = str(queryset.query)
    where = sql.split(" WHERE ", 1)[1] if " WHERE " in sql else ""
    column = f'"{queryset.model._meta.db_table}"."tenant_id"'
    if column not in where:
        return f"no {column} filter in: {sql}"
    if tenant.tenant_id.hex not in where and str(tenant.tenant_id) not in where:
        return f"filters {column}, but not by the request's tenant: {sql}"
    return None


@pytest.fixture
def guard_request(db):
    tenant = f.RestaurantFactory()
    owner = f.OwnerFactory()
    f.MembershipFactory(user=owner, tenant=tenant, role=MembershipRole.OWNER)
    return _guard_request(owner, tenant), tenant


def test_the_url_conf_has_views_to_guard():
    names = {_dotted(view_class) for _, _, view_class in api_views()}

    assert {"menu.api.views.MenuItemViewSet", "menu.api.views.OptionGroupViewSet"} <= names


def view_tenancy_problems(request, tenant) -> tuple[list[str], set[str]]:
    """(problems, names of the views whose querysets were checked)."""
    problems, checked = [], set()
    for route, pattern, view_class in api_views():
        name = _dotted(view_class)
        try:
            querysets = list(_querysets(pattern, view_class, request, tenant))
        except Exception as exc:  # a view that cannot build its queryset for a tenant owner
            if name not in ALLOWED_WITHOUT_TENANT_QUERYSET:
                problems.append(f"{route} ({name}): get_queryset() failed for a tenant request: {exc!r}")
            continue
        for action, queryset in querysets:
            if queryset is not None and issubclass(queryset.model, TenantScopedModel):
                problem = queryset_tenant_problem(queryset, tenant)
                if problem:
                    problems.append(f"{route} ({name}, {action}): {problem}")
                checked.add(name)
            elif name not in ALLOWED_WITHOUT_TENANT_QUERYSET:
                problems.append(
                    f"{route} ({name}, {action}): no tenant-scoped get_queryset(); scope it with "
                    f".for_tenant(request.tenant) or add it to ALLOWED_WITHOUT_TENANT_QUERYSET with a reason")
    return problems, checked


def test_every_api_view_queryset_is_scoped_to_the_request_tenant(guard_request):
    problems, checked = view_tenancy_problems(*guard_request)

    assert problems == []
    assert {"menu.api.views.CategoryViewSet", "menu.api.views.MenuItemViewSet", "menu.api.views.OptionGroupViewSet",
            "menu.api.views.OptionViewSet"} <= checked


def test_view_check_reports_a_view_that_forgets_the_tenant(guard_request, monkeypatch):
    from menu.api.views import CategoryViewSet
    from menu.models import Category

    monkeypatch.setattr(CategoryViewSet, "get_queryset", lambda self: Category.objects.all())

    problems, _ = view_tenancy_problems(*guard_request)

    assert problems and all("CategoryViewSet" in problem for problem in problems)


def test_allow_list_names_only_existing_views():
    routed = {_dotted(view_class) for _, _, view_class in api_views()}

    assert set(ALLOWED_WITHOUT_TENANT_QUERYSET) - routed == set()
    assert all(reason.strip() for reason in ALLOWED_WITHOUT_TENANT_QUERYSET.values())


def test_queryset_check_catches_unscoped_and_wrongly_scoped_querysets(guard_request):
    _, tenant = guard_request
    other = f.RestaurantFactory()

    assert queryset_tenant_problem(MenuItem.objects.all(), tenant).startswith("no ")
    assert "not by the request's tenant" in queryset_tenant_problem(MenuItem.objects.for_tenant(other), tenant)
    assert queryset_tenant_problem(MenuItem.objects.filter(category__tenant_id=tenant.tenant_id), tenant)
    assert queryset_tenant_problem(MenuItem.objects.for_tenant(tenant), tenant) is None
