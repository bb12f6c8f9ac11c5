"""gunicorn settings for the baseline page (bench/baseline_app.py).

Passed explicitly with -c so that the project's gunicorn.conf.py (read from the working
directory by default) does not apply to the baseline: its worker recycling (max_requests) and its
post_worker_init hook (a WeasyPrint warm-up render) belong to the app, not to a bare Flask page.
Serving settings are the same as the app's: 2 sync workers.
"""

workers = 2
worker_class = "sync"
timeout = 60
