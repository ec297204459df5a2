"""Backups of the platform: the database and the uploaded documents, with a manifest that a restore checks."""
