from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .views import second_factor

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", second_factor.LoginCodeView.as_view(), name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("profile/api-token/", views.ApiTokenRotateView.as_view(), name="api-token-rotate"),
    path("security/", second_factor.SecurityView.as_view(), name="security"),
    path("security/enrol/", second_factor.SecondFactorEnrolView.as_view(), name="second_factor_enrol"),
    path("security/recovery-codes/", second_factor.RecoveryCodesView.as_view(), name="recovery_codes"),
    path("security/remove/", second_factor.SecondFactorRemoveView.as_view(), name="second_factor_remove"),
]
