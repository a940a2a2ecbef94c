from rest_framework import serializers

from printing.models import DeviceKind, PaperWidth
from printing.services import MAX_CLAIM, MAX_NAME, MAX_REASON


class PrintDeviceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=MAX_NAME)
    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    paper_width = serializers.ChoiceField(choices=PaperWidth.choices, default=PaperWidth.MM80)
    prints_new_orders = serializers.BooleanField(default=True)


class PrintDevicePatchSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=MAX_NAME, required=False)
    paper_width = serializers.ChoiceField(choices=PaperWidth.choices, required=False)
    prints_new_orders = serializers.BooleanField(required=False)


class PrintDeviceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    paper_width = serializers.IntegerField()
    prints_new_orders = serializers.BooleanField()
    last_seen_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class RegisteredDeviceSerializer(PrintDeviceSerializer):
    token = serializers.CharField(allow_null=True, help_text="An agent's secret, shown only now; null for browsers.")


class ClaimInputSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=MAX_CLAIM, default=10)


class TicketLineSerializer(serializers.Serializer):
    quantity = serializers.IntegerField()
    name = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    instructions = serializers.CharField(allow_blank=True)


class TicketSerializer(serializers.Serializer):
    restaurant = serializers.CharField()
    order_id = serializers.CharField()
    order_number = serializers.CharField()
    call_number = serializers.CharField()
    copy = serializers.IntegerField()
    placed_at = serializers.CharField()
    placed_on = serializers.CharField()
    ready_at = serializers.CharField(allow_null=True)
    fulfilment = serializers.CharField()
    channel = serializers.CharField()
    customer = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    address = serializers.ListField(child=serializers.CharField())
    lines = TicketLineSerializer(many=True)
    notes = serializers.CharField(allow_blank=True)
    payment = serializers.CharField()
    total = serializers.CharField()


class ClaimedJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    copy = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)
    claim_token = serializers.UUIDField()
    lease_expires_at = serializers.DateTimeField()
    attempts = serializers.IntegerField()
    ticket = TicketSerializer()


class ClaimSerializer(serializers.Serializer):
    jobs = ClaimedJobSerializer(many=True)


class AckInputSerializer(serializers.Serializer):
    claim_token = serializers.UUIDField()


class AckSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    printed_at = serializers.DateTimeField()
    already_printed = serializers.BooleanField()


class ReprintInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_REASON)
    device_ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
                                       required=False, allow_empty=False, max_length=20)


class ReprintJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    device_id = serializers.IntegerField()
    copy = serializers.IntegerField()


class ReprintSerializer(serializers.Serializer):
    jobs = ReprintJobSerializer(many=True)
