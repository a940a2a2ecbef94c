"""`manage.py consume_orders` on another topic, for the consumer benchmark only.

consume_orders has no --topic flag (yet), and a backlog of 200k events must not be written to the
shared `order-events` topic. This runs the unchanged command after pointing the aggregator's topic
constant at the benchmark topic:  python -m bench.consume_topic TOPIC [consume_orders args...]
"""

import sys

import django

django.setup()

from django.core.management import call_command  # noqa: E402

import metrics.aggregator  # noqa: E402

if __name__ == "__main__":
    metrics.aggregator.ORDER_EVENTS = sys.argv[1]
    call_command("consume_orders", *sys.argv[2:])
