"""Abstract bases that the models of every app build on; core itself has no tables."""

from django.conf import settings
from django.db import models


class TimestampedModel(models.Model):
    """When a record was created and last changed, and by whom (none for the command line or a removed user)."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True
