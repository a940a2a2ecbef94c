"""Settings of every bench process (bench/config.py sets DJANGO_SETTINGS_MODULE to this module):
production's, served with the bench URL conf so /bench/baseline exists only on the bench stack."""

from foodsys.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
