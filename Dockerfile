# The phone line as a container: slim Python, non-root, gunicorn; migrates the database on start.
# BASE: any image with Python 3.11 and its venv module: the official slim image, or (where no
# registry can be reached) Debian's python3 + python3-venv made with debootstrap (.ci/image).
ARG BASE=python:3.11-slim
FROM ${BASE}

# The dependencies live in a venv: Debian's python3 is externally managed (PEP 668) and refuses
# pip installs into it. PATH is spelled out since an imported base image sets none.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    GUNICORN_BIND=0.0.0.0:8000 \
    IVR_INSTANCE_DIR=/var/lib/ivr

WORKDIR /app
COPY requirements.txt .
RUN python3 -m venv /opt/venv && pip install -r requirements.txt

COPY . .
RUN python -m ivr.catalogs compile \
    && useradd --system --uid 10001 --home-dir /var/lib/ivr --create-home ivr \
    && chown -R ivr /var/lib/ivr
USER ivr

EXPOSE 8000
# /readyz: the database at the newest schema, the catalogs compiled, the spool writable (/healthz: alive).
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"
ENTRYPOINT ["./docker-entrypoint.sh"]
# The role: web, queue (the sweeper) or outbox (the sender); compose sets `command:` per service.
CMD ["web"]
