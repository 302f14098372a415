# firstask production image: gunicorn for the web, the same image runs the Celery worker and beat
# (see docker-compose.yml). Static files are collected at build time and served by WhiteNoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries (PDF export) and a CJK font so Chinese text renders in PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 firstask \
    && useradd --system --uid 1000 --gid firstask --home-dir /app --shell /usr/sbin/nologin firstask

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .
# Build-time only key: collectstatic and the catalogues need settings, never a real secret.
RUN DEBUG=0 SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --no-input \
    && DEBUG=0 SECRET_KEY=build-only-not-a-secret python manage.py compilemessages_py \
    && mkdir -p var/media \
    && chown -R firstask:firstask var

USER firstask
EXPOSE 8000
# Workers: gunicorn reads WEB_CONCURRENCY (see .env.example).
CMD ["gunicorn", "firstask.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
