#!/bin/sh
# Container start: migrate the database (retrying while it comes up), then hand over to gunicorn.
set -e
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    flask --app app db upgrade && break
    echo "database not ready (attempt $attempt), retrying in 3 s" >&2
    sleep 3
done
exec gunicorn --config gunicorn.conf.py app:app
