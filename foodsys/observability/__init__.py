"""Request ids, structured logs, secret redaction and Prometheus metrics."""
