# The phone line as a container: slim Python, non-root, gunicorn; migrates the database on start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GUNICORN_BIND=0.0.0.0:8000 \
    IVR_INSTANCE_DIR=/var/lib/ivr

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN python -m ivr.catalogs compile \
    && useradd --system --uid 10001 --home-dir /var/lib/ivr --create-home ivr \
    && chown -R ivr /var/lib/ivr
USER ivr

EXPOSE 8000
# /readyz: the database at the newest schema, the catalogs compiled, the spool writable (/healthz: alive).
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"
ENTRYPOINT ["./docker-entrypoint.sh"]
