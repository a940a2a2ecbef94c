"""The benchmark ceiling: a trivial view behind the full middleware stack, no database, no cache."""

from django.http import JsonResponse


def bench_baseline(request):
    return JsonResponse({"ok": True})
