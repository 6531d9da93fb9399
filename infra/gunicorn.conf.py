"""gunicorn settings for koperasi-web.service: `gunicorn -c infra/gunicorn.conf.py`.

Behind nginx on the same machine, over a unix socket. Each setting can be overridden
from the environment (the service's EnvironmentFile) without editing this file.
"""

import multiprocessing
import os

chdir = os.environ.get("KOPERASI_APP_DIR", "/srv/koperasi/app")
pythonpath = f"{chdir}/platform,{chdir}"
wsgi_app = "federation.wsgi:application"

# nginx proxies to this socket (infra/nginx/koperasi.conf); GUNICORN_BIND=0.0.0.0:8000
# when the web machines sit behind a separate load balancer instead.
bind = [os.environ.get("GUNICORN_BIND", "unix:/run/koperasi/gunicorn.sock")]
# Only the local nginx may set X-Forwarded-Proto / X-Real-IP.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Sync workers with a few threads each: the app is database-bound, and each thread
# holds one PostgreSQL connection (CONN_MAX_AGE), so workers x threads x machines must
# stay under the database's (or PgBouncer's) connection limit.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never becomes an outage.
max_requests = 2000
max_requests_jitter = 200

# Requests bigger than nginx's client_max_body_size never get here; these bound headers.
limit_request_line = 8190
limit_request_fields = 100

# Access log without query strings: searches carry names and NIKs (%(U)s is the path
# only). Client address is nginx's X-Real-IP.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-real-ip}i)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%({host}i)s"'
proc_name = "koperasi-web"
