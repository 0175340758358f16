"""Records the core keeps for operators: background tasks that failed or had to be retried."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskFailure(models.Model):
    """A Celery task that raised: retried (and perhaps recovered) or failed for good.

    One row per task id: a retry and the final failure of the same task update the same row, so an
    administrator sees each piece of work once, with how often it was tried.
    """

    class State(models.TextChoices):
        RETRYING = "retrying", _("Retrying")
        RECOVERED = "recovered", _("Recovered after a retry")
        FAILED = "failed", _("Failed")

    task_id = models.CharField(_("task id"), max_length=255, unique=True)
    name = models.CharField(_("task"), max_length=200, db_index=True)
    queue = models.CharField(_("queue"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    attempts = models.PositiveIntegerField(
        _("failed attempts"), default=0, help_text=_("Retries plus the final failure, if any.")
    )
    exception_type = models.CharField(_("error"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    traceback = models.TextField(_("traceback"), blank=True)
    arguments = models.JSONField(
        _("arguments"),
        null=True,
        blank=True,
        help_text=_("The task's positional and keyword arguments, kept when small enough to send again."),
    )
    arguments_text = models.TextField(_("arguments as sent"), blank=True)
    request_id = models.CharField(
        _("request id"),
        max_length=100,
        blank=True,
        help_text=_("The request that sent the task, as in the logs."),
    )
    first_seen = models.DateTimeField(_("first failed at"))
    last_seen = models.DateTimeField(_("last failed at"), db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("failed background task")
        verbose_name_plural = _("failed background tasks")
        ordering = ["-last_seen"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["retrying", "recovered", "failed"]),
                name="core_taskfailure_state",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.task_id}"
