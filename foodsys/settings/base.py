"""Settings shared by every environment; integrations switch on by presence."""

from foodsys.env import BASE_DIR, env, optional

SECRET_KEY = optional("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI files served locally (CSP: no CDN)
    "corsheaders",
    "channels",
    "social_django",
    "foodsys.common",
    "foodsys.observability",
    "accounts",
    "restaurants",
    "menu",
    "orders",
    "printing",
    "metrics",
    "pages",
]

MIDDLEWARE = [
    "foodsys.observability.middleware.RequestIdMiddleware",  # first: every log line of the request has its id
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "social_django.middleware.SocialAuthExceptionMiddleware",  # Google sign-in failures -> login page + message
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "foodsys.tenancy.middleware.TenantMiddleware",
    "foodsys.common.middleware.ApiErrorMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",  # last
]

ROOT_URLCONF = "foodsys.urls"
WSGI_APPLICATION = "foodsys.wsgi.application"
ASGI_APPLICATION = "foodsys.asgi.application"
# Embedded mode: the serving process rebuilds its local-memory metrics from the orders table when it starts.
METRICS_WARM_AT_START = True
AUTH_USER_MODEL = "accounts.User"
# The tenant and the user-in-tenant models, named here so foodsys.tenancy imports no app.
TENANT_MODEL = "restaurants.Restaurant"
TENANT_MEMBERSHIP_MODEL = "accounts.Membership"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "foodsys.common.context_processors.features",
            ],
        },
    },
]

from foodsys.settings.parts.api import *  # noqa: E402,F403
from foodsys.settings.parts.auth import *  # noqa: E402,F403
from foodsys.settings.parts.cache import *  # noqa: E402,F403
from foodsys.settings.parts.database import *  # noqa: E402,F403
from foodsys.settings.parts.email import *  # noqa: E402,F403
from foodsys.settings.parts.logging import *  # noqa: E402,F403
from foodsys.settings.parts.realtime import *  # noqa: E402,F403
from foodsys.settings.parts.security import *  # noqa: E402,F403

# Kafka: unset means events are handed to their handlers in-process after commit.
KAFKA_BOOTSTRAP_SERVERS = optional("KAFKA_BOOTSTRAP_SERVERS")
KAFKA_ORDER_EVENTS_TOPIC = "order-events"
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=7)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Request bodies beyond this are refused (Django raises RequestDataTooBig -> 413 JSON on /api/).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)

# SIMPLE_JWT (token lifetimes, rotation, revocation on password change): foodsys/settings/parts/auth.py
