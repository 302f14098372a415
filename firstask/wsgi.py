import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firstask.settings")
application = get_wsgi_application()

from firstask.gcfreeze import freeze_when_warm  # noqa: E402 - needs the settings above

freeze_when_warm()
