"""DRF's EXCEPTION_HANDLER: a thin adapter around the one renderer (foodsys.common.errors.render)."""

from typing import Any

from django.http import JsonResponse
from rest_framework.views import set_rollback

from foodsys.common.errors import json_error


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> JsonResponse:
    """A plain JsonResponse, not a DRF Response: an error is JSON whatever renderer the view negotiated
    (the schema's YAML, the docs' HTML). DRF still adds the view's headers (Allow, Vary)."""
    set_rollback()  # as DRF's own handler: an ATOMIC_REQUESTS transaction is not committed
    return json_error(exc)


def ratelimited_view(request, exception):  # noqa: ANN001 - Django view signature
    """RATELIMIT_VIEW, for django-ratelimit's middleware if it is ever installed: the same renderer."""
    return json_error(exception)
