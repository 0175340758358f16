"""Pages of reminders: a person's own notifications, and marking one read."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability

from ..models import Reminder
from ..selectors import reminders as reminder_selectors
from ..services import reminders as reminder_services

PAGE_SIZE = 50


class NotificationListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.EVIDENCE_READ
    template_name = "certifications/reminders/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(reminder_selectors.reminders_for(user=self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(page_obj=page, query="")
        return context


class NotificationReadView(CapabilityRequiredMixin, View):
    capability = Capability.EVIDENCE_READ
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        reminder = get_object_or_404(Reminder, pk=kwargs["pk"], recipient=request.user)
        reminder_services.reminder_mark_read(reminder=reminder, by=request.user)
        return redirect("notification-list")
