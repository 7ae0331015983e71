"""gunicorn settings for Thaksa in production: `gunicorn -c deploy/gunicorn.conf.py 'lms:create_app()'`.

Behind nginx (deploy/nginx/thaksa.conf), which buffers whole requests and responses, so a slow
or idle client never holds a worker. Threads (gthread) let one worker serve other requests
while a thread waits on PostgreSQL or renders a PDF; processes use both cores.
Every value can be changed with an environment variable of the same name in capitals.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # nginx in front; not exposed
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that runs longer than this is killed: pages take well under a second, a PDF a few.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Idle keep-alive connections from nginx are closed after this; gthread does not block on them.
keepalive = 5
# Recycle workers now and then, so no slow leak grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Request line and headers are bounded (nginx bounds them first).
limit_request_line = 4094
limit_request_fields = 100
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
# No query strings (they may hold search text) and no user agent: personal data stays out of logs.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'
