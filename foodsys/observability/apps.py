from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "foodsys.observability"
    label = "observability"

    def ready(self):
        from foodsys.observability.collectors import register_collectors
        from foodsys.observability.logging import install_record_factory

        install_record_factory()
        register_collectors()
