"""The production web server's settings (gunicorn), read by ``make serve`` (the Procfile).

Threaded workers (gthread): a request that waits on the database, or a client that sends
slowly, holds one thread, not a whole process. In production a reverse proxy in front
buffers requests and responses (docs/operating.md), so slow clients never reach here.

Each setting can be changed from the environment: WEB_CONCURRENCY (processes, default one
a core), WEB_THREADS (threads each, default 8), HOST and PORT, WEB_TIMEOUT (seconds a
request may take, default 60: a PDF drawn in the request), FORWARDED_ALLOW_IPS (the
proxy's address, whose X-Forwarded-* headers are believed; default 127.0.0.1)."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
wsgi_app = "backend.wsgi:application"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count())
threads = int(os.environ.get("WEB_THREADS") or 8)
timeout = int(os.environ.get("WEB_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
# A process is replaced after this many requests (and a few more, so they do not all go
# at once): memory that a long-lived process gathers is given back.
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Refused before Django sees them: an oversized request line or headers.
limit_request_line = 8190
limit_request_fields = 100
# Stopped and reloaded by signals from the supervisor (TERM, HUP), not a control socket.
control_socket_disable = True
# Django logs each request itself (backend/request_log.py); gunicorn logs its own events
# as JSON lines to standard error.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    }},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json",
                             "stream": "ext://sys.stderr"}},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO",
                                   "propagate": False}},
}
