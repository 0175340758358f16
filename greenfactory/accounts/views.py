from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rest_framework.authtoken.models import Token

from greenfactory.core.forms import form_refuse

from . import services
from .roles import Capability, can, roles_of
from .throttling import login_failure_record, login_failures_clear, login_is_locked


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
        login_failures_clear(username=form.get_user().get_username(), address=_client_address(self.request))
        return super().form_valid(form)


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["roles"] = sorted(role.label for role in roles_of(user))
        context["can_use_api"] = can(user, Capability.API_DOCS)
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
