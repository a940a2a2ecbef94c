"""Developer settings: DEBUG on by default, a throwaway secret key, human-readable logs."""

from foodsys.env import env
from foodsys.settings.base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="local-only-insecure-key-change-me")  # noqa: S105
