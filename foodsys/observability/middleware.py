"""RequestIdMiddleware: first in MIDDLEWARE, so every log line of the request carries its id."""

import logging
import time

from django.conf import settings

from foodsys.observability.context import REQUEST_ID_HEADER, bind_request, request_id_from, unbind_request

request_logger = logging.getLogger("foodsys.request")

_QUIET_PATHS = ("/healthz", "/readyz", "/metrics")  # probes and scrapes: logged at DEBUG only


class RequestIdMiddleware:
    """Takes the caller's X-Request-ID when it is a sane token (else makes one), exposes it as
    `request.request_id` and to log records, echoes it in the response, and writes the access line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        token = bind_request(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            if settings.REQUEST_LOG:
                _log_request(request, response, started)
            return response
        finally:
            unbind_request(token)


def _log_request(request, response, started: float) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    level = logging.DEBUG if request.path in _QUIET_PATHS else logging.INFO
    request_logger.log(level, "%s %s %s %.1fms", request.method, request.get_full_path(), response.status_code,
                       duration_ms, extra={"method": request.method, "status_code": response.status_code,
                                           "duration_ms": duration_ms})
