from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "greenfactory.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Role groups need permissions, which exist only after every app has migrated.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="greenfactory.accounts.roles")
        user_logged_in.connect(_start_idle_clock, dispatch_uid="greenfactory.accounts.idle")


def _sync_roles(sender, using: str = "default", **kwargs) -> None:
    from .services import roles_sync

    roles_sync(using=using)


def _start_idle_clock(sender, request=None, **kwargs) -> None:
    from .middleware import activity_mark

    if request is not None:
        activity_mark(request)
