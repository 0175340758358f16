"""Container health check: GET /healthz on the local gunicorn, as nginx would send it.

Exits 0 when the app answers 200 (database and broker usable), 1 otherwise. The request carries the
first ALLOWED_HOSTS name and X-Forwarded-Proto: https, so the HTTPS redirect and host check pass.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").rsplit(":", 1)[-1]
    host = (os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost").lstrip(".")
    request = urllib.request.Request(  # noqa: S310 - the local server
        f"http://127.0.0.1:{port}/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)  # noqa: T201
        return 1


if __name__ == "__main__":
    sys.exit(main())
