from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"

    def ready(self):
        from foodsys.events.sinks import register_sink
        from metrics.handlers import apply_events
        from metrics.live import in_process_pusher

        # Embedded mode: committed order events reach the aggregates in-process (on-commit dispatch
        # and relay alike); this sink, and only this one, pushes `metrics.update` for them.
        pusher = in_process_pusher()
        register_sink("metrics", lambda envelopes: apply_events(envelopes, notifier=pusher))
