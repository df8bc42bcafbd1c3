"""gunicorn reads this file from the working directory by default (Procfile, Dockerfile, docker-compose.yml).

The access log writes the request line, path and referer of every request; the patient link carries its one-time
token in the path (/p/<token>/), and tokens never appear in logs (issue 4). This logger writes /p/… instead.
"""

from gunicorn.glogging import Logger

from patients.log_redaction import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}


logger_class = RedactingLogger
