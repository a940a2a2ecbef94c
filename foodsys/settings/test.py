"""Test settings: fast hashing, and the same integrations as the environment selects."""

from foodsys.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-0123456789abcdef"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
METRICS_WARM_AT_START = False  # tests build the aggregates they read
