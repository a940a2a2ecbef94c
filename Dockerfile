# FoodSys app image: one image for web (gunicorn), ws (daphne), relay and consumer.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=foodsys.settings.production

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs a key to import settings; this one is only for the build step.
RUN SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home /app foodsys \
    && chown -R foodsys /app/staticfiles

USER foodsys
EXPOSE 8000 8001
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
CMD ["gunicorn", "-c", "python:foodsys.observability.gunicorn", "foodsys.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--access-logfile", "-"]
