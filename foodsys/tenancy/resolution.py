"""Resolves the tenant of a request: from X-Tenant-ID, or else the user's only membership.

The ground floor imports no app: the tenant and membership models are named by the settings
TENANT_MODEL and TENANT_MEMBERSHIP_MODEL (like AUTH_USER_MODEL) and looked up in the app registry.
"""

import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings

from foodsys.common.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

TENANT_HEADER = "HTTP_X_TENANT_ID"

UNKNOWN = object()  # TenantResolution.membership_role(): the resolution did not learn it


@dataclass
class TenantResolution:
    tenant: object | None = None  # a Restaurant
    role: str | None = None  # "owner" | "staff" | "admin" | None
    problem: ApplicationError | None = None  # why there is no tenant, raised where one is required
    # What resolving learned of the user's memberships, so a later check in the same request (the
    # caller passes this resolution on, e.g. orders.selectors.order_actor) needs no second query:
    user_id: object = None  # whose memberships these are
    memberships: dict = field(default_factory=dict)  # tenant UUID -> role, or None: known not a member
    all_memberships: bool = False  # True: `memberships` holds every membership the user has

    def membership_role(self, *, user, tenant_id) -> str | None | object:
        """`user`'s membership role in `tenant_id` as learned here, None if known not to be a
        member, else UNKNOWN (also for another user than the one resolved)."""
        if user is None or self.user_id is None or user.pk != self.user_id:
            return UNKNOWN
        if tenant_id in self.memberships:
            return self.memberships[tenant_id]
        return None if self.all_memberships else UNKNOWN


def tenant_model():
    return apps.get_model(settings.TENANT_MODEL)


def membership_model():
    return apps.get_model(settings.TENANT_MEMBERSHIP_MODEL)


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


def resolve_tenant(*, user, header_value: str | None) -> TenantResolution:
    """Raises ApplicationError (400/403/404) for a bad explicit header; otherwise returns a
    resolution whose `problem` says why no tenant was chosen (missing or ambiguous)."""
    membership = membership_model()
    authenticated = bool(user and user.is_authenticated)
    if header_value:
        try:
            tenant_id = uuid.UUID(header_value.strip())
        except ValueError:
            raise ApplicationError("X-Tenant-ID must be a tenant UUID.", code="invalid_tenant_header")
        tenant = tenant_model().objects.filter(tenant_id=tenant_id).first()
        if tenant is None:
            raise NotFoundError("No such tenant.", code="tenant_not_found")
        if not authenticated:
            return TenantResolution(problem=PermissionDeniedError(
                "Authentication is required for tenant endpoints.", code="not_authenticated", status=401))
        role = membership.objects.filter(user=user, tenant=tenant).values_list("role", flat=True).first()
        known = {"user_id": user.pk, "memberships": {tenant.tenant_id: role}}
        if role is not None:
            return TenantResolution(tenant=tenant, role=role, **known)
        if is_admin(user):
            return TenantResolution(tenant=tenant, role="admin", **known)
        raise PermissionDeniedError("You are not a member of this tenant.", code="not_a_member")

    if not authenticated:
        return TenantResolution(problem=PermissionDeniedError(
            "Authentication is required for tenant endpoints.", code="not_authenticated", status=401))
    memberships = list(membership.objects.filter(user=user).select_related("tenant")[:2])
    known = {"user_id": user.pk, "memberships": {m.tenant_id: m.role for m in memberships},
             "all_memberships": len(memberships) < 2}
    if len(memberships) == 1:
        return TenantResolution(tenant=memberships[0].tenant, role=memberships[0].role, **known)
    if memberships:
        return TenantResolution(problem=ApplicationError(
            "You belong to several restaurants; send X-Tenant-ID to choose one.", code="tenant_ambiguous"), **known)
    if not is_admin(user):  # a customer asking for a management endpoint: not a member of anything
        return TenantResolution(problem=PermissionDeniedError(
            "Only a restaurant's owners and staff may use this endpoint.", code="not_a_member"), **known)
    return TenantResolution(problem=ApplicationError(
        "X-Tenant-ID is required for this endpoint.", code="tenant_required"), **known)


def require_tenant(request, *, roles: tuple[str, ...] = ("owner", "staff", "admin")):
    """The tenant of a management request, or the 400/401/403 that explains why there is none."""
    resolution: TenantResolution = getattr(request, "tenant_resolution", None) or TenantResolution()
    if resolution.tenant is None:
        raise resolution.problem or ApplicationError("X-Tenant-ID is required.", code="tenant_required")
    if resolution.role not in roles:
        raise PermissionDeniedError("Your role may not do this.", code="role_forbidden")
    return resolution.tenant
