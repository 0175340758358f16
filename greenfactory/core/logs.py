"""Log configuration: one line per event, as JSON in production, with the request id of the page or
API call that caused it, in the web process and in the Celery task it sent.

django-structlog binds ``request_id`` (and the user id) for each request and passes it to the tasks
a request sends through the task's headers; :func:`logging_config` routes Django's, Celery's and the
application's own ``logging`` calls through structlog's formatter, so every line carries the ids bound
at that moment. ``LOG_FORMAT`` chooses ``json`` (production default, for a log collector) or
``plain`` (key=value lines for a terminal).
"""

from __future__ import annotations

from typing import Any

import structlog

FORMATS = ("json", "plain")

# Shared by structlog's own loggers and by records from the standard library.
_PRE_CHAIN: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.ExtraAdder(),
]


def renderer(fmt: str) -> Any:
    if fmt == "json":
        return structlog.processors.JSONRenderer()
    return structlog.processors.KeyValueRenderer(key_order=["timestamp", "level", "event", "logger"])


def logging_config(*, fmt: str, level: str, quiet: dict[str, str]) -> dict[str, Any]:
    """The ``LOGGING`` dict: one console handler whose formatter renders every record as ``fmt``."""
    if fmt not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer(fmt),
                ],
                "foreign_pre_chain": _PRE_CHAIN,
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {name: {"level": lvl} for name, lvl in quiet.items()},
    }


def configure_structlog() -> None:
    """structlog's own loggers hand their events to the standard library, which formats them."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def current_request_id() -> str:
    """The request id bound for this request or task, or "" outside one."""
    return str(structlog.contextvars.get_contextvars().get("request_id", "") or "")
