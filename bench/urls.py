"""The bench stack's URL conf: production's routes plus the benchmark ceiling, /bench/baseline.

Only bench/settings.py points ROOT_URLCONF here, so the route never ships with foodsys/urls.py."""

from django.urls import include, path

from bench.views import bench_baseline
from foodsys.urls import handler404, handler500  # noqa: F401 - Django reads them from the root URL conf only

urlpatterns = [
    path("bench/baseline", bench_baseline, name="bench-baseline"),
    path("", include("foodsys.urls")),
]
