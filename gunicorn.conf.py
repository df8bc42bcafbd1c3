"""gunicorn reads this file from the working directory by default (Procfile, Dockerfile, docker-compose.yml).

The access log writes the request line, path and referer of every request; the patient link carries its one-time
token in the path (/p/<token>/), and tokens never appear in logs (issue 4). This logger writes /p/… instead.

Workers (issue 10): ``WEB_CONCURRENCY`` when it is set to a positive number, else 2 × CPU cores + 1, at most
``MAX_DEFAULT_WORKERS`` (each worker holds the whole app in memory and keeps one database connection). A
``--workers`` on the command line wins over both.
"""

import os

from gunicorn.glogging import Logger

from patients.log_redaction import redact

MAX_DEFAULT_WORKERS = 8


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}


def cpu_cores() -> int:
    """The cores this process may run on (a container's CPU set), else the machine's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(environ=os.environ) -> int:
    """``WEB_CONCURRENCY`` if positive; unset, empty or 0 means 2 × cores + 1, capped."""
    value = environ.get("WEB_CONCURRENCY", "").strip()
    if value and int(value) > 0:
        return int(value)
    return min(2 * cpu_cores() + 1, MAX_DEFAULT_WORKERS)


logger_class = RedactingLogger
workers = default_workers()
