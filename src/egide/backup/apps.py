from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "egide.backup"
    verbose_name = "Backups"
