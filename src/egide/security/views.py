"""Log-in in two steps (password, then a code when the user has an authenticator app), and the account pages."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from egide.core.redirects import safe_next
from egide.security import passwords, throttle, tokens, two_factor
from egide.security.forms import CodeForm, TokenForm
from egide.security.models import Outcome

LOGIN_TEMPLATE = "accounts/login.html"
CODE_TEMPLATE = "security/login_code.html"


def _next_url(request: HttpRequest) -> str:
    """The page to open after logging in, if it is one of ours."""
    return safe_next(request, fallback="")


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _after_login(next_url: str) -> HttpResponse:
    return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _account_user(request: HttpRequest) -> User:
    """The user of an account page, which login_required lets only logged-in users reach."""
    assert isinstance(request.user, User)
    return request.user


def _locked(request: HttpRequest, template: str, context: dict[str, Any], verdict: throttle.Verdict) -> HttpResponse:
    assert verdict.locked_until is not None
    context["locked_message"] = throttle.locked_message(verdict.locked_until)
    return render(request, template, context, status=429)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """The password step, throttled; then the code step, the set-up of an app (platform staff), or the site."""
    next_url = _next_url(request)
    if request.method != "POST":
        return render(request, LOGIN_TEMPLATE, {"form": AuthenticationForm(request), "next": next_url})
    # One name for the throttle, the record and the password check: see throttle.normalise_username.
    username = throttle.normalise_username(request.POST.get("username", ""))
    data = request.POST.copy()
    data["username"] = username
    client = throttle.client_of(request)
    verdict = throttle.check(username=username, ip_address=client.ip_address)
    if verdict.locked_until is not None:
        throttle.record(client, username, Outcome.LOCKED)
        form = AuthenticationForm(request, initial={"username": username})  # unbound: the password is not checked
        return _locked(request, LOGIN_TEMPLATE, {"form": form, "next": next_url}, verdict)
    throttle.pause(verdict)
    form = AuthenticationForm(request, data=data)
    if not form.is_valid():
        throttle.record(client, username, Outcome.WRONG_CREDENTIALS)
        after = throttle.check(username=username, ip_address=client.ip_address)
        if after.locked_until is not None:
            form = AuthenticationForm(request, initial={"username": username})
            return _locked(request, LOGIN_TEMPLATE, {"form": form, "next": next_url}, after)
        return render(request, LOGIN_TEMPLATE, {"form": form, "next": next_url})
    user = form.get_user()
    if two_factor.confirmed_device(user) is not None:
        throttle.record(client, username, Outcome.CODE_NEEDED)
        two_factor.start_pending(request, user, backend=user.backend, next_url=next_url)
        return redirect(_with_next(reverse("login-code"), next_url))
    throttle.record(client, username, Outcome.LOGGED_IN)
    auth_login(request, user)
    if user.is_superuser:
        return redirect(_with_next(reverse("two-factor-setup"), next_url))
    return _after_login(next_url)


def _code_subject(request: HttpRequest) -> tuple[User | None, two_factor.PendingLogin | None]:
    """Whose code this is: the log-in waiting for its code, else a logged-in session that has not confirmed one."""
    waiting = two_factor.pending(request)
    if waiting is not None:
        return waiting.user, waiting
    if request.user.is_authenticated and not two_factor.is_verified(request.user):
        return request.user, None
    return None, None


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_code_view(request: HttpRequest) -> HttpResponse:
    """The code step, throttled like the password step."""
    user, waiting = _code_subject(request)
    next_url = waiting.next_url if waiting is not None and waiting.next_url else _next_url(request)
    if user is None:
        if request.user.is_authenticated:
            return _after_login(next_url)
        return redirect(_with_next(reverse("login"), next_url))
    device = two_factor.confirmed_device(user)
    if device is None:
        if waiting is not None:
            two_factor.clear_pending(request)
            return redirect(_with_next(reverse("login"), next_url))
        return redirect(_with_next(reverse("two-factor-setup"), next_url))
    form = CodeForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "next": next_url}
    if request.method != "POST":
        return render(request, CODE_TEMPLATE, context)
    username = user.get_username()
    client = throttle.client_of(request)
    verdict = throttle.check(username=username, ip_address=client.ip_address)
    if verdict.locked_until is not None:
        throttle.record(client, username, Outcome.LOCKED)
        return _locked(request, CODE_TEMPLATE, {"form": CodeForm(), "next": next_url}, verdict)
    throttle.pause(verdict)
    if form.is_valid() and two_factor.code_is_right(device, form.cleaned_data["code"]):
        throttle.record(client, username, Outcome.LOGGED_IN)
        if waiting is not None:
            two_factor.clear_pending(request)
            auth_login(request, user, backend=waiting.backend or None)
        otp_login(request, device)
        return _after_login(next_url)
    throttle.record(client, username, Outcome.WRONG_CODE)
    after = throttle.check(username=username, ip_address=client.ip_address)
    if after.locked_until is not None:
        return _locked(request, CODE_TEMPLATE, {"form": CodeForm(), "next": next_url}, after)
    if not form.errors:
        form.add_error("code", _("That code is not right. Enter the code that the app shows now."))
    return render(request, CODE_TEMPLATE, context)


# --- The account area ------------------------------------------------------------------------------------------------


@login_required
def account_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "security/account.html",
        {
            "two_factor_on": two_factor.confirmed_device(request.user) is not None,
            "active_tokens": tokens.user_tokens(_account_user(request)).filter(revoked_at__isnull=True).count(),
        },
    )


@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "security/two_factor.html",
        {"device": two_factor.confirmed_device(request.user), "form": CodeForm()},
    )


@sensitive_post_parameters("code")
@login_required
@never_cache
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), then confirm with a code; the session counts as verified."""
    user = _account_user(request)
    next_url = _next_url(request)
    if two_factor.confirmed_device(user) is not None:
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect(next_url or reverse("two-factor"))
    device = two_factor.device_to_confirm(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if two_factor.code_is_right(device, form.cleaned_data["code"]):
            two_factor.device_confirm(device=device, by=user)
            request.session.cycle_key()
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on. You will enter a code at each log-in."))
            return redirect(next_url or reverse("two-factor"))
        form.add_error("code", _("That code is not right. Check the app and enter the code that it shows now."))
    return render(
        request,
        "security/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "required": user.is_superuser,
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": two_factor.secret_text(device),
        },
    )


@sensitive_post_parameters("code")
@login_required
@require_POST
def two_factor_disable_view(request: HttpRequest) -> HttpResponse:
    """Turn two-factor authentication off, after a code (throttled); platform staff cannot."""
    user = _account_user(request)
    device = two_factor.confirmed_device(user)
    if user.is_superuser:
        messages.error(request, _("Platform staff must keep two-factor authentication on."))
        return redirect("two-factor")
    if device is None:
        return redirect("two-factor")
    form = CodeForm(request.POST)
    username = user.get_username()
    client = throttle.client_of(request)
    verdict = throttle.check(username=username, ip_address=client.ip_address)
    context = {"device": device, "form": form}
    if verdict.locked_until is not None:
        throttle.record(client, username, Outcome.LOCKED)
        return _locked(request, "security/two_factor.html", context, verdict)
    throttle.pause(verdict)
    if form.is_valid() and two_factor.code_is_right(device, form.cleaned_data["code"]):
        two_factor.devices_remove(user=user, by=user)
        messages.success(request, _("Two-factor authentication is off."))
        return redirect("two-factor")
    throttle.record(client, username, Outcome.WRONG_CODE)
    if not form.errors:
        form.add_error("code", _("That code is not right. Enter the code that the app shows now."))
    return render(request, "security/two_factor.html", context, status=400)


@login_required
@never_cache
def tokens_view(request: HttpRequest) -> HttpResponse:
    """The user's API tokens; a new token is shown once, in the answer to the form that created it."""
    user = _account_user(request)
    may_create = tokens.may_hold_tokens(user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = ""
    status = 200
    if request.method == "POST" and not may_create:
        status = 403
    elif request.method == "POST" and form.is_valid():
        record, new_token = tokens.token_create(user=user, name=form.cleaned_data["name"], by=user)
        messages.success(request, _("Token “%(name)s” created.") % {"name": record.name})
        form = TokenForm()
    all_tokens = list(tokens.user_tokens(user))
    return render(
        request,
        "security/tokens.html",
        {
            "form": form,
            "may_create": may_create,
            "staff_refusal": "" if may_create else tokens.staff_refusal(),
            "new_token": new_token,
            "active": [token for token in all_tokens if token.is_active],
            "revoked": [token for token in all_tokens if not token.is_active],
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(tokens.user_tokens(_account_user(request)), pk=pk)
    tokens.token_revoke(token=record, by=_account_user(request))
    messages.success(request, _("Token “%(name)s” revoked: it no longer opens the API.") % {"name": record.name})
    return redirect("tokens")


class PasswordChange(auth_views.PasswordChangeView):
    """Change one's password, giving the present one; the session stays logged in (and two-factor verified)."""

    template_name = "security/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form: Any) -> HttpResponse:
        passwords.password_change(form=form, by=_account_user(self.request))
        # The new password logs out the user's other sessions, not this one.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password was changed."))
        return HttpResponseRedirect(self.get_success_url())


class PasswordReset(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail. The answer is the same whether or not an account has the address, so that
    the page tells nobody who has an account. A reset neither logs in nor lifts a log-in lock, and the next log-in
    still asks for the two-factor code of an account that has one."""

    template_name = "security/password_reset_form.html"
    email_template_name = "security/password_reset_email.txt"
    subject_template_name = "security/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-sent")

    def form_valid(self, form: Any) -> HttpResponse:
        # The accounts that get a link: the log records each, the page answers the same with none.
        accounts = list(form.get_users(form.cleaned_data["email"]))
        response = super().form_valid(form)
        passwords.password_reset_request_record(accounts=accounts)
        return response


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "security/password_reset_sent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """The link of the e-mail: choose a new password. The link works once (the token depends on the password) and
    for EGIDE_PASSWORD_RESET_HOURS."""

    template_name = "security/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        passwords.password_reset(form=form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDone(auth_views.PasswordResetCompleteView):
    template_name = "security/password_reset_done.html"
