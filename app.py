"""WSGI entry point: `gunicorn app:app`, `flask --app app ...`."""

from ivr import create_app

app = create_app()
