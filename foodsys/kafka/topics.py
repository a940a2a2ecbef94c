"""Kafka topic names used by FoodSys: the single place they are declared.

Pure Python (no Django import), so scripts/services.sh can use it before
Django is configured.
"""

ORDER_EVENTS = "order-events"
ORDER_EVENTS_DLQ = "order-events.dlq"

# topic name -> number of partitions (replication factor is always 1 locally)
TOPICS: dict[str, int] = {
    ORDER_EVENTS: 3,
    ORDER_EVENTS_DLQ: 1,
}
