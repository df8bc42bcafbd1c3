"""Keeps the patient link's tokens out of every log line (issue 4: "tokens never appear in logs").

The token is part of the link's path (/p/<token>/…). The link views log their own responses with a redacted path
(patients.views.links), but Django also logs paths it handles before or after a view: a refused CSRF check, an
uncaught exception, runserver's request lines. This filter, set on the log handlers in settings.LOGGING, rewrites
any /p/<token> in a record's message and arguments to /p/….
"""

from __future__ import annotations

import logging
import re

LINK_PATH = re.compile(r"/p/[^/\s\"'?#]+")
REDACTED = "/p/\u2026"


def redact(text: str) -> str:
    return LINK_PATH.sub(REDACTED, text)


class RedactLinkTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: redact(val) if isinstance(val, str) else val for key, val in record.args.items()}
        return True
