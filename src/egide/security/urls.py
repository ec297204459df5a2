from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from egide.security import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code_view, name="login-code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The admin logs in through the same throttled, two-step page.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("account/", views.account_view, name="account"),
    path("account/password/", views.PasswordChange.as_view(), name="password-change"),
    path("password-reset/", views.PasswordReset.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetSent.as_view(), name="password-reset-sent"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirm.as_view(), name="password-reset-confirm"),
    path("password-reset/done/", views.PasswordResetDone.as_view(), name="password-reset-complete"),
    path("account/two-factor/", views.two_factor_view, name="two-factor"),
    path("account/two-factor/setup/", views.two_factor_setup_view, name="two-factor-setup"),
    path("account/two-factor/disable/", views.two_factor_disable_view, name="two-factor-disable"),
    path("account/tokens/", views.tokens_view, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token-revoke"),
]
