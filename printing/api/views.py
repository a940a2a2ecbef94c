"""The printing API: devices of a restaurant, a device's claim and ack, and reprints.

A browser device acts as its signed-in member (session or JWT); a print agent sends its device
token in `X-Print-Device-Token` and may only claim and ack its own jobs. Outsiders get 404."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from foodsys.common.api_ratelimit import RateLimitedAPIMixin, check_tenant_rate
from foodsys.common.exceptions import NotFoundError
from orders import selectors as order_selectors
from printing import selectors, services
from printing.api import serializers as s
from printing.models import PrintDevice
from printing.roles import check_may_operate_printing
from printing.tickets import ticket_build, ticket_json
from restaurants.roles import restaurant_actor
from restaurants.selectors import restaurant_get

DEVICE_TOKEN_HEADER = "X-Print-Device-Token"
DEVICE_TOKEN_PARAMETER = OpenApiParameter(DEVICE_TOKEN_HEADER, location=OpenApiParameter.HEADER, required=False,
                                          description="A print agent's device token (instead of a member's login).")


def _member_restaurant(request, restaurant_id: int):
    """(restaurant, actor) for a member or admin; 404 for everyone else."""
    restaurant = restaurant_get(restaurant_id=restaurant_id, user=request.user)
    actor = restaurant_actor(user=request.user, restaurant=restaurant)
    if actor is None:
        raise NotFoundError("No such restaurant.")
    check_may_operate_printing(actor)
    check_tenant_rate(request, restaurant)
    return restaurant, actor


def _device_body(device: PrintDevice) -> dict:
    return s.PrintDeviceSerializer(device).data


class PrintDeviceListView(RateLimitedAPIMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.PrintDeviceSerializer(many=True), operation_id="print_devices_list")
    def get(self, request, restaurant_id: int):
        restaurant, _ = _member_restaurant(request, restaurant_id)
        return Response([_device_body(d) for d in selectors.print_device_list(restaurant=restaurant)])

    @extend_schema(request=s.PrintDeviceInputSerializer, responses={201: s.RegisteredDeviceSerializer},
                   operation_id="print_devices_register",
                   description="Registers a tablet (kind=browser) or a print agent (kind=agent; its token is "
                               "in this answer only).")
    def post(self, request, restaurant_id: int):
        restaurant, actor = _member_restaurant(request, restaurant_id)
        body = s.PrintDeviceInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        registered = services.print_device_register(restaurant=restaurant, actor=actor, **body.validated_data)
        return Response({**_device_body(registered.device), "token": registered.token}, status=status.HTTP_201_CREATED)


class PrintDeviceDetailView(RateLimitedAPIMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.PrintDevicePatchSerializer, responses=s.PrintDeviceSerializer,
                   operation_id="print_devices_update")
    def patch(self, request, restaurant_id: int, device_id: int):
        restaurant, actor = _member_restaurant(request, restaurant_id)
        device = selectors.print_device_get(restaurant=restaurant, device_id=device_id)
        body = s.PrintDevicePatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        device = services.print_device_update(device=device, actor=actor, data=body.validated_data)
        return Response(_device_body(device))

    @extend_schema(responses={204: None}, operation_id="print_devices_retire")
    def delete(self, request, restaurant_id: int, device_id: int):
        restaurant, actor = _member_restaurant(request, restaurant_id)
        device = selectors.print_device_get(restaurant=restaurant, device_id=device_id)
        services.print_device_retire(device=device, actor=actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _calling_device(request, device_id: int) -> PrintDevice:
    """The device an agent's token opens, or one a signed-in member's restaurant owns; else 401/404."""
    token = request.headers.get(DEVICE_TOKEN_HEADER)
    if token:
        device = services.print_device_for_token(device_id=device_id, token=token)
        if device is None:
            raise AuthenticationFailed("Unknown device or wrong device token.")
    else:
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        device = PrintDevice.objects.filter(pk=device_id, is_active=True).select_related("tenant").first()
        actor = restaurant_actor(user=request.user, restaurant=device.tenant) if device else None
        if actor is None:
            raise NotFoundError("No such print device.", code="print_device_not_found")
        check_may_operate_printing(actor)
    check_tenant_rate(request, device.tenant)
    return device


class PrintJobClaimView(RateLimitedAPIMixin, APIView):
    permission_classes = [AllowAny]  # a member, or an agent with its device token (_calling_device)

    @extend_schema(request=s.ClaimInputSerializer, responses=s.ClaimSerializer, parameters=[DEVICE_TOKEN_PARAMETER],
                   operation_id="print_jobs_claim",
                   description="The device's due tickets, leased to this claim: print each, then ack it with "
                               "its claim_token. An unacknowledged job is offered again after its lease.")
    def post(self, request, device_id: int):
        device = _calling_device(request, device_id)
        body = s.ClaimInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        jobs = services.print_jobs_claim(device=device, now=timezone.now(), limit=body.validated_data["limit"])
        return Response(s.ClaimSerializer({"jobs": [
            {"id": job.id, "order_id": job.order_id, "copy": job.copy, "reason": job.reason,
             "claim_token": job.claim_token, "lease_expires_at": job.lease_expires_at, "attempts": job.attempts,
             "ticket": ticket_json(ticket_build(job.order, list(job.order.lines.all()), copy=job.copy))}
            for job in jobs]}).data)


class PrintJobAckView(RateLimitedAPIMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=s.AckInputSerializer, responses=s.AckSerializer, parameters=[DEVICE_TOKEN_PARAMETER],
                   operation_id="print_jobs_ack",
                   description="Marks the job printed. Repeating an ack is safe (already_printed=true).")
    def post(self, request, device_id: int, job_id):
        device = _calling_device(request, device_id)
        body = s.AckInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ack = services.print_job_ack(device=device, job_id=job_id, claim_token=body.validated_data["claim_token"],
                                     now=timezone.now())
        return Response(s.AckSerializer({"id": ack.job.id, "status": ack.job.status, "printed_at": ack.job.printed_at,
                                         "already_printed": ack.already_printed}).data)


class OrderReprintView(RateLimitedAPIMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.ReprintInputSerializer, responses={201: s.ReprintSerializer},
                   operation_id="orders_reprint",
                   description="Prints the ticket again (on the given devices, default all), with a reason; "
                               "recorded on the order's timeline.")
    def post(self, request, order_id):
        order, actor = order_selectors.order_get(user=request.user, order_id=order_id, with_history=False)
        check_may_operate_printing(actor)
        check_tenant_rate(request, order.tenant)
        body = s.ReprintInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        jobs = services.order_ticket_reprint(order=order, actor=actor, **body.validated_data)
        return Response(s.ReprintSerializer({"jobs": [{"id": j.id, "device_id": j.device_id, "copy": j.copy}
                                                      for j in jobs]}).data, status=status.HTTP_201_CREATED)
