class BackupError(Exception):
    """A backup or a restore that cannot be made, with what to do about it."""
