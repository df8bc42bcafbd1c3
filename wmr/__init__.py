"""WMR case management: the Django project package and the mechanisms every app shares."""

from .celery import app as celery_app

__all__ = ["celery_app"]
