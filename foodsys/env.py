"""The one place that reads the process environment.

Integrations switch on by presence: DATABASE_URL, REDIS_URL, KAFKA_BOOTSTRAP_SERVERS,
GOOGLE_OAUTH2_KEY. With none of them set, the embedded default runs.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's optional .env file; real deployments pass the environment directly.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def optional(name: str) -> str:
    """The value of an optional integration variable or secret, '' when unset or blank.

    Read verbatim from the environment: django-environ treats a value starting with `$` as a
    reference to another variable, which would silently replace a secret such as "$k3y..."."""
    return os.environ.get(name, "").strip()
