from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "egide.core"
    label = "core"
    verbose_name = "Égide core"

    def ready(self) -> None:
        # The admin has loaded every app's admin module by now (it comes first in INSTALLED_APPS).
        from django.contrib import admin

        from egide.core import lookups  # noqa: F401 - registers `__any_of` on every field
        from egide.core.admin import audit_every_admin

        audit_every_admin(admin.site)
