# 均衡 (Junheng) production image: one image for web (gunicorn), worker and beat (celery) and the migrate job.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    JUNHENG_VAR_DIR=/app/var \
    MEDIA_ROOT=/app/var/media

WORKDIR /app

# Dependencies first (read from pyproject.toml) so a code change does not reinstall them.
COPY pyproject.toml /app/
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

RUN groupadd --system --gid 1000 junheng \
    && useradd --system --uid 1000 --gid junheng --home-dir /app --shell /usr/sbin/nologin junheng

COPY --chown=junheng:junheng . /app

# Static files are collected into the image; whitenoise serves them from gunicorn. The build needs no real
# secret or database: these placeholders exist only for this one command.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown -R junheng:junheng /app/var

USER junheng
EXPOSE 8000
VOLUME ["/app/var/media"]

CMD ["gunicorn", "config.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
