"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py greenfactory.wsgi:application`.

Read from GUNICORN_* variables (see .env.example); an empty value means the default, as unset does.
"""

import multiprocessing
import os


def _setting(name: str, default: object) -> str:
    return os.environ.get(name) or str(default)


bind = _setting("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(_setting("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(_setting("GUNICORN_THREADS", 2))
# Gateways upload batches of up to 10,000 readings; give them time, but not forever.
timeout = int(_setting("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = _setting("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No gunicornc control socket: its default path is one per user ($HOME/.gunicorn), which several
# gunicorn processes on a host would share, and the image's user has no writable home.
control_socket_disable = True


# Prometheus multi-process mode (PROMETHEUS_MULTIPROC_DIR, shared with the Celery workers of the
# host): the folder is emptied when the server starts, and a worker that exits has its live gauges
# removed, so /metrics adds up the processes that exist.
def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
