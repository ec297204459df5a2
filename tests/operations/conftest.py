"""A `replica` database for the router's tests: a second alias of the test database (Django's TEST MIRROR), as a
read replica is a second address of the same data. Added before the test databases are set up; used only by the
tests that ask for it (`databases=["default", "replica"]`) with the router and its middleware switched on."""

from django.conf import settings
from django.db import connections

if "replica" not in settings.DATABASES:
    replica = {**settings.DATABASES["default"], "TEST": {**settings.DATABASES["default"]["TEST"], "MIRROR": "default"}}
    settings.DATABASES["replica"] = replica
    if connections.settings is not settings.DATABASES:
        connections.settings["replica"] = replica
