"""Resolves the tenant of a request: from X-Tenant-ID, or else the user's only membership."""

import uuid
from dataclasses import dataclass

from foodsys.common.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

TENANT_HEADER = "HTTP_X_TENANT_ID"


@dataclass
class TenantResolution:
    tenant: object | None = None  # a Restaurant
    role: str | None = None  # "owner" | "staff" | "admin" | None
    problem: ApplicationError | None = None  # why there is no tenant, raised where one is required


UNKNOWN = object()  # remembered_membership(): this request did not learn it


def _remember(user, roles: dict, *, complete: bool) -> None:
    """What resolve_tenant learned of the user's memberships, kept on the request's user object so a
    later check in the same request (orders.selectors.order_actor_role) needs no second query."""
    user._tenancy_memberships = (roles, complete)


def remembered_membership(user, tenant_id) -> str | None | object:
    """The user's role in `tenant_id` as learned in this request, None if known not to be a member,
    else UNKNOWN."""
    roles, complete = getattr(user, "_tenancy_memberships", ({}, False))
    if tenant_id in roles:
        return roles[tenant_id]
    return None if complete else UNKNOWN


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


def resolve_tenant(*, user, header_value: str | None) -> TenantResolution:
    """Raises ApplicationError (400/403/404) for a bad explicit header; otherwise returns a
    resolution whose `problem` says why no tenant was chosen (missing or ambiguous)."""
    from accounts.models import Membership
    from restaurants.models import Restaurant

    authenticated = bool(user and user.is_authenticated)
    if header_value:
        try:
            tenant_id = uuid.UUID(header_value.strip())
        except ValueError:
            raise ApplicationError("X-Tenant-ID must be a tenant UUID.", code="invalid_tenant_header")
        tenant = Restaurant.objects.filter(tenant_id=tenant_id).first()
        if tenant is None:
            raise NotFoundError("No such tenant.", code="tenant_not_found")
        if not authenticated:
            return TenantResolution(problem=PermissionDeniedError(
                "Authentication is required for tenant endpoints.", code="not_authenticated", status=401))
        membership = Membership.objects.filter(user=user, tenant=tenant).first()
        _remember(user, {tenant.tenant_id: membership.role if membership else None}, complete=False)
        if membership is not None:
            return TenantResolution(tenant=tenant, role=membership.role)
        if is_admin(user):
            return TenantResolution(tenant=tenant, role="admin")
        raise PermissionDeniedError("You are not a member of this tenant.", code="not_a_member")

    if not authenticated:
        return TenantResolution(problem=PermissionDeniedError(
            "Authentication is required for tenant endpoints.", code="not_authenticated", status=401))
    memberships = list(Membership.objects.filter(user=user).select_related("tenant")[:2])
    _remember(user, {m.tenant_id: m.role for m in memberships}, complete=len(memberships) < 2)
    if len(memberships) == 1:
        return TenantResolution(tenant=memberships[0].tenant, role=memberships[0].role)
    if memberships:
        return TenantResolution(problem=ApplicationError(
            "You belong to several restaurants; send X-Tenant-ID to choose one.", code="tenant_ambiguous"))
    if not is_admin(user):  # a customer asking for a management endpoint: not a member of anything
        return TenantResolution(problem=PermissionDeniedError(
            "Only a restaurant's owners and staff may use this endpoint.", code="not_a_member"))
    return TenantResolution(problem=ApplicationError(
        "X-Tenant-ID is required for this endpoint.", code="tenant_required"))


def require_tenant(request, *, roles: tuple[str, ...] = ("owner", "staff", "admin")):
    """The tenant of a management request, or the 400/401/403 that explains why there is none."""
    resolution: TenantResolution = getattr(request, "tenant_resolution", None) or TenantResolution()
    if resolution.tenant is None:
        raise resolution.problem or ApplicationError("X-Tenant-ID is required.", code="tenant_required")
    if resolution.role not in roles:
        raise PermissionDeniedError("Your role may not do this.", code="role_forbidden")
    return resolution.tenant
