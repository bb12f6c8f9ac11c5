"""gunicorn settings for production: `gunicorn 'physio:create_app()'` reads this file.

Sync workers: PDF rendering is CPU-bound, so threads or gevent would not help. Workers are
recycled now and then (WeasyPrint memory plateaus but long-lived processes drift).
"""

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
