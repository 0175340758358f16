from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views import View
from django.views import i18n as i18n_views
from django.views.generic import TemplateView
from rest_framework.authtoken.models import Token

from greenfactory.core.forms import form_refuse

from .. import services
from ..forms import PasswordResetForm, is_gateway
from ..roles import Capability, can, roles_of
from ..throttling import login_failure_record, login_failures_clear, login_is_locked
from . import second_factor


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if login_is_locked(username=username, address=_client_address(request)):
            form = form_refuse(
                self.get_form(), _("Too many failed sign-ins. Wait a few minutes before trying again.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failure_record(
            username=self.request.POST.get("username", ""), address=_client_address(self.request)
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        user = form.get_user()
        if services.has_second_factor(user):
            # Signed in only after the code step; the failure count stays until then, so a known
            # password does not reset the lock-out that guards the code.
            second_factor.pending_sign_in_start(self.request, user=user, redirect_to=self.get_redirect_url())
            return redirect("login_code")
        login_failures_clear(username=user.get_username(), address=_client_address(self.request))
        return super().form_valid(form)


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["roles"] = sorted(role.label for role in roles_of(user))
        context["can_use_api"] = can(user, Capability.API_DOCS)
        context["can_change_password"] = not is_gateway(user)
        context["token"] = Token.objects.filter(user=user).first()
        context["new_token"] = self.request.session.pop("new_api_token", None)
        return context


class ApiTokenRotateView(LoginRequiredMixin, View):
    """Issue a new API token; it is shown once, on the next profile page."""

    http_method_names = ["post"]

    def post(self, request):
        if not can(request.user, Capability.API_DOCS):
            raise PermissionDenied
        token = services.api_token_rotate(user=request.user)
        request.session["new_api_token"] = token.key
        messages.success(request, _("A new API token was created. Copy it now: it is shown only once."))
        return redirect("profile")


class _NoGatewayMixin:
    """Password pages are for people: a gateway account is refused them (403).

    ``method_first`` pages (the reset pages, open to anyone) answer a method they do not have with
    405 before anything else, as the sign-in page does.
    """

    method_first = False

    def dispatch(self, request, *args, **kwargs):
        method = request.method.lower()
        if self.method_first and (method not in self.http_method_names or not hasattr(self, method)):
            return self.http_method_not_allowed(request, *args, **kwargs)
        if is_gateway(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PasswordChangeView(LoginRequiredMixin, _NoGatewayMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"


class PasswordChangeDoneView(LoginRequiredMixin, _NoGatewayMixin, auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(_NoGatewayMixin, auth_views.PasswordResetView):
    method_first = True
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(_NoGatewayMixin, auth_views.PasswordResetDoneView):
    method_first = True
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(_NoGatewayMixin, auth_views.PasswordResetConfirmView):
    method_first = True
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return None if user is not None and is_gateway(user) else user


class PasswordResetCompleteView(_NoGatewayMixin, auth_views.PasswordResetCompleteView):
    method_first = True
    template_name = "accounts/password_reset_complete.html"


def language_set(request):
    """Django's set_language, and the chosen language remembered on the signed-in person."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and check_for_language(language):
        services.user_language_set(user=request.user, language=language)
    return response
