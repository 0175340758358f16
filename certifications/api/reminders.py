"""API of reminders: a person's own in-app notifications."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability

from ..models import Reminder
from ..selectors import reminders as reminder_selectors
from ..services import reminders as reminder_services

OWN_NOTIFICATIONS = capability_permission(read=Capability.EVIDENCE_READ, write=Capability.EVIDENCE_READ)


class ReminderSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Reminder
        fields = [
            "id",
            "day",
            "kind",
            "kind_label",
            "subject",
            "due_on",
            "evidence",
            "certificate",
            "emailed_at",
            "read_at",
        ]


@extend_schema_view(
    list=extend_schema(summary="Your reminders (in-app notifications)"),
    retrieve=extend_schema(summary="One reminder"),
)
class ReminderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReminderSerializer
    permission_classes = [OWN_NOTIFICATIONS]
    filterset_fields = ["kind", "day"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Reminder.objects.none()
        return reminder_selectors.reminders_for(user=self.request.user)

    @extend_schema(summary="Mark a reminder read", request=None, responses=ReminderSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None, **kwargs):
        reminder = reminder_services.reminder_mark_read(reminder=self.get_object(), by=request.user)
        return Response(ReminderSerializer(reminder).data)
