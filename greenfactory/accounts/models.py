from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in: compliance staff, an administrator or an invited auditor."""

    organisation_role = models.CharField(_("job title"), max_length=120, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the person's e-mail; set when they choose one on a page."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        """How pages name this person: the full name when set, else the user name."""
        return self.get_full_name() or self.get_username()

    def __str__(self) -> str:
        return self.display_name
