#!/bin/sh
# Container start, one role a container, named by the first argument:
#   web (the default): migrate the database (retrying while it comes up), then gunicorn;
#   queue: the queue sweeper (flask --app app queue run);  outbox: the outbox sender;
#   anything else runs as given, e.g. `flask --app app users create anouk`.
set -e
role=${1:-web}
[ $# -gt 0 ] && shift
case "$role" in
web)
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        flask --app app db upgrade && break
        echo "database not ready (attempt $attempt), retrying in 3 s" >&2
        sleep 3
    done
    exec gunicorn --config gunicorn.conf.py app:app
    ;;
queue) exec flask --app app queue run "$@" ;;
outbox) exec flask --app app outbox run "$@" ;;
*) exec "$role" "$@" ;;
esac
