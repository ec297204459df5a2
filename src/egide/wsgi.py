import os

from django.core.wsgi import get_wsgi_application

from egide.core.settled import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings")
application = get_wsgi_application()
settle()
