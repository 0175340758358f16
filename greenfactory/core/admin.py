"""Django admin helpers: records only services write are read-only here; the others are written
through their service, whose refusals the admin shows like a form's validation errors."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from greenfactory.core import task_failures
from greenfactory.core.exceptions import DomainError
from greenfactory.core.models import TaskFailure


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services (ingestion, imports, pipelines): visible in the admin, never
    added, changed or deleted there (a POST to their pages is answered 403)."""

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        # No "add" page at all rather than one that always answers 403.
        return [u for u in super().get_urls() if not (u.name or "").endswith("_add")]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history lets anyone who may view a record revert it to an old version.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ServiceAdmin(admin.ModelAdmin):
    """An admin whose ``save_model``, ``delete_model`` and actions call services.

    A ``DomainError`` (or ``ValidationError``) a service raises while saving rolls the whole request back and the form is
    shown again with the service's message on the field it names, as on the application's pages.
    Deletions call ``delete_model`` row by row, so the bulk "delete selected" action follows the
    same rules as the delete page.
    """

    def _refusable(self, request, view):
        try:
            with transaction.atomic():
                return view()
        except (DomainError, ValidationError) as exc:
            # The transaction was left by the exception: nothing was written. Validate again, with
            # the refusal added to the form.
            if request.method != "POST" or hasattr(request, "_service_refusal"):
                raise
            request._service_refusal = exc
            return view()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusable(
            request,
            lambda: super(ServiceAdmin, self).changeform_view(request, object_id, form_url, extra_context),
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old version (django-simple-history) saves through save_model too.
        return self._refusable(
            request,
            lambda: super(ServiceAdmin, self).history_form_view(
                request, object_id, version_id, extra_context
            ),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal: DomainError | ValidationError | None = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form
        if isinstance(refusal, DomainError):
            errors = {refusal.field: [refusal.message]}
        elif hasattr(refusal, "error_dict"):
            errors = refusal.message_dict
        else:
            errors = {None: refusal.messages}

        class Refused(form):
            def clean(self):
                cleaned = super().clean()
                for field, messages_ in errors.items():
                    for message in messages_:
                        self.add_error(field if field in self.fields else None, message)
                return cleaned

        Refused.__name__ = form.__name__
        return Refused

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return self.response_post_save_change(request, None)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def response_action(self, request, queryset):
        try:
            with transaction.atomic():
                return super().response_action(request, queryset)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return self.response_post_save_change(request, None)


@admin.register(TaskFailure)
class TaskFailureAdmin(ReadOnlyAdmin):
    """Background tasks that failed or were retried: what, when, why, with the request that sent
    them, so an administrator can fix the cause, send the task again and mark it resolved."""

    list_display = (
        "last_seen",
        "name",
        "state",
        "attempts",
        "exception_type",
        "short_message",
        "resolved_at",
    )
    list_filter = ("state", ("resolved_at", admin.EmptyFieldListFilter), "name", "queue")
    search_fields = ("task_id", "name", "message", "request_id")
    date_hierarchy = "last_seen"
    actions = ("mark_resolved", "send_again")
    fields = (
        "name",
        "task_id",
        "queue",
        "state",
        "attempts",
        "first_seen",
        "last_seen",
        "exception_type",
        "message",
        "traceback",
        "arguments_text",
        "request_id",
        "resolved_at",
        "resolved_by",
        "resolution",
    )
    readonly_fields = fields

    @admin.display(description=_("message"))
    def short_message(self, obj: TaskFailure) -> str:
        return obj.message if len(obj.message) <= 120 else obj.message[:119] + "…"

    @admin.action(description=_("Mark the selected tasks as resolved"))
    def mark_resolved(self, request, queryset):
        count = 0
        for failure in queryset.filter(resolved_at__isnull=True):
            task_failures.resolve(failure=failure, by=request.user, resolution=gettext("marked resolved"))
            count += 1
        self.message_user(request, gettext("%(count)d task(s) marked resolved.") % {"count": count})

    @admin.action(description=_("Send the selected tasks again"))
    def send_again(self, request, queryset):
        sent, skipped = [], []
        for failure in queryset.filter(resolved_at__isnull=True):
            new_id = task_failures.send_again(failure=failure, by=request.user)
            (sent if new_id else skipped).append(failure.name)
        if sent:
            self.message_user(request, gettext("%(count)d task(s) sent again.") % {"count": len(sent)})
        if skipped:
            self.message_user(
                request,
                gettext(
                    "Not sent again (arguments too large to keep, or the task no longer exists): %(names)s"
                )
                % {"names": ", ".join(skipped)},
                messages.WARNING,
            )
