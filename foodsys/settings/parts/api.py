"""DRF, OpenAPI and rate-limit settings."""

from foodsys.env import env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "foodsys.common.authentication.CachedJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": [
        "foodsys.common.parsers.JSONParser",  # deeply nested JSON -> 400 instead of RecursionError
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "foodsys.common.pagination.DefaultPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "foodsys.common.exception_handler.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "FoodSys API",
    "DESCRIPTION": (
        "Multi-tenant food ordering: catalog, orders, live metrics.\n\n"
        "Every error has one shape, the `Error` schema: "
        '`{"error": {"code", "message", "fields"}, "status"}`. `fields` maps flat field paths '
        "(`name`, `items[0].quantity`, `options[1].name`; `non_field_errors` for the rest) to messages. "
        "429 and 503 carry `Retry-After` (seconds); 405 carries `Allow`; 401 carries `WWW-Authenticate` "
        "where a token would help. See docs/errors.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from drf-spectacular-sidecar (local static files), as the CSP allows no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name get names of their own (else drf-spectacular hashes them).
    "ENUM_NAME_OVERRIDES": {
        "PrintDeviceKindEnum": "printing.models.DeviceKind",
        "DeliveryZoneKindEnum": "restaurants.models.ZoneKind",
        "FulfilmentEnum": "orders.enums.Fulfilment",  # the quote's fulfilment.type and the entry's fulfilment
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",  # the default hook, kept
        "foodsys.common.errors.openapi_error_responses",  # the Error component on every operation
    ],
}

RATELIMIT_USE_CACHE = "ratelimit"  # foodsys.common.ratelimit counts here (settings/parts/cache.py)
RATELIMIT_VIEW = "foodsys.common.exception_handler.ratelimited_view"  # only if django-ratelimit's middleware is added
# Rates are "<count>/<period>" (foodsys.common.ratelimit.parse_rate); all overridable by environment.
RATE_LIMITS = {
    "api_ip": env.str("RATE_LIMIT_API_IP", default="600/m"),
    "api_user": env.str("RATE_LIMIT_API_USER", default="300/m"),
    "tenant": env.str("RATE_LIMIT_TENANT", default="600/m"),
    "login_ip": env.str("RATE_LIMIT_LOGIN_IP", default="5/15m"),
    "login_email": env.str("RATE_LIMIT_LOGIN_EMAIL", default="5/15m"),
    "order_place": env.str("RATE_LIMIT_ORDER_PLACE", default="30/h"),  # per customer
    "order_place_ip": env.str("RATE_LIMIT_ORDER_PLACE_IP", default="60/h"),  # per client IP, all accounts
    "password_reset": env.str("RATE_LIMIT_PASSWORD_RESET", default="5/h"),  # per IP and per e-mail
    "register": env.str("RATE_LIMIT_REGISTER", default="5/h"),
    "verify_email_resend": env.str("RATE_LIMIT_VERIFY_EMAIL", default="3/h"),
}

# Client IP behind reverse proxies (foodsys.common.client_ip): X-Forwarded-For is read only through
# these hops. Neither set (the default): REMOTE_ADDR, the header ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)  # how many proxies stand in front
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])  # their addresses or CIDR networks
