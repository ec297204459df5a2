"""Log-in attempts (for throttling and for the record) and personal API tokens."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    LOGGED_IN = "logged_in", _("Logged in")
    CODE_NEEDED = "code_needed", _("Password accepted, code needed")
    WRONG_CREDENTIALS = "wrong_credentials", _("Wrong username or password")
    WRONG_CODE = "wrong_code", _("Wrong code")
    LOCKED = "locked", _("Refused: too many failures")


FAILURES = (Outcome.WRONG_CREDENTIALS, Outcome.WRONG_CODE)


class LoginAttempt(models.Model):
    """One try at logging in: a username and password, or a one-time code.

    Failures count towards the slow-down and the lock (see egide.security.throttle); a completed log-in resets
    the count for its username and its address. Refusals during a lock are recorded but do not count.
    """

    username = models.CharField(_("username tried"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    attempted_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    success = models.BooleanField(_("success"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)

    class Meta:
        ordering = ["-attempted_at", "-pk"]
        verbose_name = _("log-in attempt")
        verbose_name_plural = _("log-in attempts")
        indexes = [
            models.Index(fields=["username", "attempted_at"]),
            models.Index(fields=["ip_address", "attempted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.ip_address or '-'} {self.outcome}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored; the token itself is shown once, when created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.name} · {self.display_prefix}"

    @property
    def display_prefix(self) -> str:
        """How the token is named to its owner: its first characters, enough to recognise it."""
        return f"egide_{self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
