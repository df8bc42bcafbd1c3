# WMR case management: one image for web (gunicorn), Celery worker and Celery beat (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WMR_ENV=production \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint's libraries (Pango, HarfBuzz subsetting) and a fallback font; the letters' fonts ship in static/fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# The .mo files are committed, so no gettext is needed here. collectstatic needs a secret key to import the
# settings; this one exists only during the build and is never used to sign anything.
RUN SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --noinput -v 0

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home wmr
USER wmr

EXPOSE 8000
# Tune with GUNICORN_CMD_ARGS / WEB_CONCURRENCY (gunicorn reads both).
CMD ["gunicorn", "wmr.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--graceful-timeout", "30"]
