"""gunicorn reads this file from the working directory (the Dockerfile's, docker-compose's and the load
test's, loadtest/run.py): settings given on the command line still win.

Garbage collection (issue 14): a worker holds about 150,000 long-lived objects (Django, the apps, the
URL patterns, compiled templates). Python's full collection walks all of them, which on a loaded
2-core machine took hundreds of milliseconds once every few dozen requests: a page's p95. They never
become garbage, so each worker moves them out of the collector's sight (`gc.freeze`) once its
application is loaded, and again after its first requests have compiled the templates they use.
Garbage made by requests is still collected as before.
"""

import gc

# Requests after which a worker freezes again what it has loaded by then (templates compile lazily).
_FREEZE_AFTER_REQUESTS = {1, 10, 100, 1000}


def post_worker_init(worker):
    gc.collect()
    gc.freeze()


def post_request(worker, req, environ, resp):
    if worker.nr in _FREEZE_AFTER_REQUESTS:
        gc.collect()
        gc.freeze()
