"""The second factor: the code step of signing in, enrolment, recovery codes and the security page."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login

from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error, form_refuse

from .. import middleware as session_rules
from .. import services
from ..forms import SecondFactorCodeForm, is_gateway
from ..second_factor import second_factor_required
from ..throttling import login_failure_record, login_failures_clear, login_is_locked

PENDING_SESSION_KEY = "gf_pending_sign_in"
TOTP_KEY_SESSION_KEY = "gf_totp_pending_key"  # noqa: S105 (a session key name, not a secret)
CODES_SESSION_KEY = "gf_new_recovery_codes"


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def pending_sign_in_start(request, *, user, redirect_to: str) -> None:
    """Remember that ``user`` passed the password step; they are signed in after the code step."""
    request.session[PENDING_SESSION_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "next": redirect_to,
        "at": session_rules.now_seconds(),
    }


def _pending_user(request):
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict):
        return None, None
    if session_rules.now_seconds() - pending.get("at", 0) > settings.LOGIN_CODE_STEP_SECONDS:
        del request.session[PENDING_SESSION_KEY]
        return None, None
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending


class _NoGatewayLoginRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_gateway(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class LoginCodeView(FormView):
    """The second step of signing in, for a user with an authenticator app: their current code or
    a recovery code. Failures count toward the same lock-out as wrong passwords."""

    template_name = "accounts/second_factor/login_code.html"
    form_class = SecondFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:  # as the sign-in page: the signed-in go home
            return redirect(settings.LOGIN_REDIRECT_URL)
        self.pending_user, self.pending = _pending_user(request)
        if self.pending_user is None:
            if request.method == "POST":
                messages.info(request, _("Your sign-in took too long. Enter your password again."))
            return redirect("login")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        username = self.pending_user.get_username()
        if login_is_locked(username=username, address=_client_address(request)):
            form = form_refuse(
                self.get_form(), _("Too many failed sign-ins. Wait a few minutes before trying again.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user, request = self.pending_user, self.request
        device = services.second_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is None:
            login_failure_record(username=user.get_username(), address=_client_address(request))
            form.add_error("code", _("That code is not valid."))
            return self.form_invalid(form)
        next_url = self.pending.get("next") or ""
        del request.session[PENDING_SESSION_KEY]
        auth_login(request, user, backend=self.pending.get("backend"))
        otp_login(request, device)
        login_failures_clear(username=user.get_username(), address=_client_address(request))
        if device.persistent_id.startswith("otp_static") and services.recovery_codes_left(user) <= 3:
            messages.warning(
                request, _("You have few recovery codes left. Make new ones on the security page.")
            )
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(next_url)
        return redirect(settings.LOGIN_REDIRECT_URL)


class SecurityView(_NoGatewayLoginRequiredMixin, TemplateView):
    """The user's second factor: whether it is set up or required, recovery codes left, and the
    forms to set up a new app, make new recovery codes or remove the second factor."""

    template_name = "accounts/second_factor/security.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["enrolled"] = services.has_second_factor(user)
        context["required"] = second_factor_required(user)
        context["codes_left"] = services.recovery_codes_left(user)
        context["remove_form"] = kwargs.get("remove_form") or SecondFactorCodeForm(recovery=True)
        return context


class SecondFactorEnrolView(_NoGatewayLoginRequiredMixin, FormView):
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with a code.

    The secret lives in the session until confirmed, so opening the page writes no device. A user
    who already has an app replaces it here, which needs a session signed in with it.
    """

    template_name = "accounts/second_factor/enrol.html"

    def get_form(self, form_class=None):
        return SecondFactorCodeForm(**self.get_form_kwargs(), recovery=False)

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and services.has_second_factor(user) and not user.is_verified():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _secret(self) -> str:
        key = self.request.session.get(TOTP_KEY_SESSION_KEY)
        if not isinstance(key, str) or len(key) != 40:
            key = services.totp_secret_new()
            self.request.session[TOTP_KEY_SESSION_KEY] = key
        return key

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        key = self._secret()
        url = services.totp_config_url(user=self.request.user, key=key)
        # segno writes the SVG itself from the address: no user markup reaches it.
        context["qr_svg"] = mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2))  # noqa: S308
        context["secret"] = services.totp_secret_base32(key)
        context["replacing"] = services.has_second_factor(self.request.user)
        context["required"] = second_factor_required(self.request.user)
        return context

    def form_valid(self, form):
        request = self.request
        try:
            device, codes = services.totp_device_confirm(
                user=request.user, key=self._secret(), code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            form_add_domain_error(form, exc, field="code")
            return self.form_invalid(form)
        del request.session[TOTP_KEY_SESSION_KEY]
        otp_login(request, device)
        request.session[CODES_SESSION_KEY] = codes
        messages.success(request, _("Your authenticator app is set up. Keep your recovery codes safe."))
        return redirect("recovery_codes")


class RecoveryCodesView(_NoGatewayLoginRequiredMixin, TemplateView):
    """New recovery codes are shown here once; POST makes a new set (the old codes stop working)."""

    template_name = "accounts/second_factor/recovery_codes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["codes"] = self.request.session.pop(CODES_SESSION_KEY, None)
        context["codes_left"] = services.recovery_codes_left(self.request.user)
        context["enrolled"] = services.has_second_factor(self.request.user)
        return context

    def post(self, request):
        if not (services.has_second_factor(request.user) and request.user.is_verified()):
            raise PermissionDenied
        request.session[CODES_SESSION_KEY] = services.recovery_codes_regenerate(user=request.user)
        messages.success(request, _("New recovery codes were made; the old ones no longer work."))
        return redirect("recovery_codes")


class SecondFactorRemoveView(_NoGatewayLoginRequiredMixin, View):
    """Remove the authenticator app and recovery codes, confirmed by a current code."""

    http_method_names = ["post"]

    def post(self, request):
        form = SecondFactorCodeForm(request.POST, recovery=True)
        if form.is_valid():
            try:
                services.second_factor_remove(user=request.user, code=form.cleaned_data["code"])
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Your second factor was removed."))
                return redirect("security")
        view = SecurityView()
        view.setup(request)
        return view.render_to_response(view.get_context_data(remove_form=form))
