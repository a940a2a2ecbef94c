from django.conf import settings


def features(request):
    return {"google_oauth2_enabled": settings.GOOGLE_OAUTH2_ENABLED}
