import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
django_application = get_asgi_application()

from backend.middleware import BoundedBodyASGI  # noqa: E402  (needs the settings configured above)

application = BoundedBodyASGI(django_application)
