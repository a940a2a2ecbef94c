from django.conf import settings


def features(request):
    return {"google_oauth2_enabled": settings.GOOGLE_OAUTH2_ENABLED, "ws_public_base": settings.WS_PUBLIC_BASE}
