import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuki.settings")
application = get_wsgi_application()

# A page allocates tens of thousands of short-lived objects. With Python's default thresholds the collector runs
# every 700 allocations and now and then walks the whole heap, loaded code included: pauses of milliseconds in
# the middle of requests. The code loaded at start-up is moved out of the collector's sight, and it runs less
# often (a request's garbage is mostly freed by reference counting anyway).
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 50, 100)
