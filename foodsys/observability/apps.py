from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "foodsys.observability"
    label = "observability"

    def ready(self):
        from foodsys.observability import metrics  # noqa: F401 - exported from the start, at 0
        from foodsys.observability.collectors import register_collectors
        from foodsys.observability.logging import install_record_factory

        install_record_factory()
        register_collectors()
