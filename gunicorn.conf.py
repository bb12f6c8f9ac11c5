"""gunicorn settings for production: `gunicorn 'physio:create_app()'` reads this file.

Sync workers: PDF rendering is CPU-bound, so threads or gevent would not help. Workers are
recycled now and then (WeasyPrint memory plateaus but long-lived processes drift).
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # behind a reverse proxy
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
timeout = 60
graceful_timeout = 30
# Load the app once in the master: a recycled worker is a fork, not a 2 s re-import (which
# showed as a 2.5 s p99 when both workers restarted together).
preload_app = True
max_requests = 5000
max_requests_jitter = 2500
accesslog = "-"


def post_worker_init(worker):
    """Render once before taking requests, so the first patient's PDF is not the slow one."""
    from physio.pdf import warm_up

    app = worker.wsgi
    with app.app_context():
        seconds = warm_up()
    worker.log.info("PDF renderer warmed up in %.2f s", seconds)
    # Move everything loaded so far (the app, SQLAlchemy, the warmed-up WeasyPrint: ~160k
    # objects) out of the garbage collector's reach: a full collection scanned them all and
    # stalled a request for ~80-120 ms every few hundred requests; it now scans only what
    # requests allocate. Frozen objects are still freed by reference counting; only cycles
    # among them are no longer collected.
    gc.collect()
    gc.freeze()
