from rest_framework import serializers

from metrics.selectors import DEFAULT_MINUTES, MAX_MINUTES


class MinutesQuerySerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=MAX_MINUTES, default=DEFAULT_MINUTES)


class MinuteCountSerializer(serializers.Serializer):
    minute = serializers.CharField()
    count = serializers.IntegerField()


class StatusCountsSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    preparing = serializers.IntegerField()
    ready = serializers.IntegerField()
    out_for_delivery = serializers.IntegerField()


class MetricsSnapshotSerializer(serializers.Serializer):
    """Money as decimal strings in `currency`; minutes oldest first, zero-filled."""

    tenant_id = serializers.UUIDField()
    total_orders = serializers.IntegerField()
    orders_per_minute = MinuteCountSerializer(many=True)
    revenue_total = serializers.CharField()
    revenue_today = serializers.CharField()
    currency = serializers.CharField()
    average_order_value = serializers.CharField()
    avg_prep_time_seconds = serializers.FloatField(allow_null=True)
    p90_prep_time_seconds = serializers.IntegerField(allow_null=True)
    status_counts = StatusCountsSerializer()
    cancelled = serializers.IntegerField()
    last_updated = serializers.CharField(allow_null=True)


class OrdersPerMinuteSerializer(serializers.Serializer):
    tenant_id = serializers.UUIDField()
    minutes = serializers.IntegerField()
    orders_per_minute = MinuteCountSerializer(many=True)
