"""gunicorn's settings for `make serve` (see README, "Deploy").

Threads, not sync workers: a sync worker is held by one connection for as long as its client
takes to send the body, so a few slow senders or a burst of large uploads queued the health
probes behind them for seconds. A gthread worker hands each request to one of its threads, and
a thread waits for a body while the others answer. Override on the command line or in
GUNICORN_CMD_ARGS (e.g. "--workers 4 --threads 32"); a buffering proxy in front (nginx) still
protects best against slow clients.
"""

bind = "127.0.0.1:8000"  # make serve passes --bind $BIND
workers = 2
worker_class = "gthread"
# Per worker: requests in progress at once, slow senders included. A thread mostly waits for
# its client's body, so many are cheap; 200 concurrent 1 MB POSTs plus slow senders leave
# /healthz answered within half a second (tests/reliability/test_serve.py), where 32 took 5 s.
# On PostgreSQL, each thread may hold a connection: max_connections must exceed
# workers x threads, or lower --threads.
threads = 128
worker_connections = 1000  # connections a worker keeps open (waiting ones cost no thread)
timeout = 30  # a worker whose main loop is stuck this long is restarted
graceful_timeout = 30
keepalive = 5
# Request line and headers: gunicorn's limits, stated (bodies are limited by the app: 1 MB of
# JSON, 11 MB of upload).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"


def post_worker_init(worker):
    """Once the worker has loaded the application (and, here, imported every view through the
    URLconf), move what is alive now into the collector's permanent generation (issue 17).
    Those hundreds of thousands of long-lived objects (modules, classes, settings, the URL
    resolver) are then no longer traversed by each full collection that a request's short-lived
    objects trigger. Nothing is freed or kept that would not have been."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the views, serializers and filters)
    gc.collect()
    gc.freeze()
