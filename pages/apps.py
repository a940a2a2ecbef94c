from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The server-rendered pages (dashboard, management, storefront). They span the domain apps, so
    they live above all of them: pages may import any domain app, no domain app imports pages."""

    name = "pages"
