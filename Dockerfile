# firstask production image: gunicorn for the web, the same image runs the Celery worker and beat
# (see docker-compose.yml). Static files are collected at build time and served by WhiteNoise.
# Bookworm pinned: its postgresql-client-15 matches the postgres:15 service (backup/restore).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries (PDF export) and a CJK font so Chinese text renders in PDFs;
# OpenLDAP's client library (LDAP sign-in); pg_dump/pg_restore 15, the server's major version
# (manage.py backup/restore).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
        libldap-2.5-0 libsasl2-2 postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 firstask \
    && useradd --system --uid 1000 --gid firstask --home-dir /app --shell /usr/sbin/nologin firstask

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
# python-ldap has no wheel: its compiler and headers are installed for this step only.
COPY pyproject.toml ./
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libldap2-dev libsasl2-dev \
    && pip install ".[ldap]" \
    && apt-get purge -y --auto-remove gcc libc6-dev libldap2-dev libsasl2-dev \
    && rm -rf /var/lib/apt/lists/*

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
