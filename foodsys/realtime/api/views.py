from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from foodsys.common.api_ratelimit import RateLimitedAPIMixin
from foodsys.realtime.tickets import ws_ticket_issue


class WsTicketView(RateLimitedAPIMixin, APIView):
    """POST -> a single-use ticket for `?ticket=` on a WebSocket URL, valid ~60 s.

    Spends the same per-IP and per-user budgets as the rest of the API."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: inline_serializer(
        "WsTicket", {"ticket": serializers.CharField(), "expires_in": serializers.IntegerField()})})
    def post(self, request):
        ticket = ws_ticket_issue(user_id=request.user.pk)
        return Response({"ticket": ticket, "expires_in": settings.WS_TICKET_TTL_SECONDS},
                        status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})
