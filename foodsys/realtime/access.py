"""Who may listen where: the same tenant rules as HTTP (`resolve_tenant`), as WebSocket close codes."""

from django.contrib.auth import get_user_model

from foodsys.common.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from foodsys.tenancy.resolution import resolve_tenant

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


def fresh_active_user(user):
    """The user re-read from the database, or None once deactivated or deleted."""
    if user is None or not user.is_authenticated:
        return None
    return get_user_model().objects.filter(pk=user.pk, is_active=True).first()


def tenant_stream_access(*, user, tenant_id: str) -> tuple[int | None, str | None]:
    """(close code or None, canonical tenant id). Owners, staff and admins may listen."""
    if user is None or not user.is_authenticated:
        return CLOSE_UNAUTHENTICATED, None
    try:
        resolution = resolve_tenant(user=user, header_value=tenant_id)
    except (NotFoundError, PermissionDeniedError) as exc:
        return (CLOSE_NOT_FOUND if exc.status_code == 404 else CLOSE_FORBIDDEN), None
    except ApplicationError:  # malformed UUID: there is no such tenant
        return CLOSE_NOT_FOUND, None
    if resolution.tenant is None:
        return CLOSE_UNAUTHENTICATED, None
    return None, str(resolution.tenant.tenant_id)


def tenant_stream_still_allowed(*, user, tenant_id: str) -> bool:
    current = fresh_active_user(user)
    return current is not None and tenant_stream_access(user=current, tenant_id=tenant_id)[0] is None


def customer_stream_still_allowed(*, user) -> bool:
    return fresh_active_user(user) is not None
