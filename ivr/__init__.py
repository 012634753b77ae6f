"""The helpdesk voice line: a Flask app answering Twilio Voice webhooks for an IT servicedesk.

Nothing runs at import time and Flask is imported inside `create_app`, so the pure domain
package `ivr.domain` can be imported without any web framework.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    from ivr.config import load_config
    from ivr.flask_app import LineApp
    from ivr.speech_models import check_speech_models

    app = LineApp(__name__, instance_path=None)
    # `/voice/menu//x` must not be answered with a 308 redirect: Twilio gets TwiML (or 403).
    app.url_map.merge_slashes = False
    app.config.update(load_config())
    if config:
        app.config.update(config)
    configure_logging(app)
    check_speech_models(app.config)
    configure_secret_key(app)
    configure_extensions(app)
    configure_blueprints(app)
    configure_web_security(app)
    configure_cli(app)
    return app


def configure_logging(app: Flask) -> None:
    import logging

    from ivr.telemetry import endpoint, logs

    logs.configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    app.before_request(logs.start_request)
    app.after_request(logs.tag_response)
    endpoint.init_app(app)  # webhooks counted and timed; /metrics with METRICS_TOKEN
    # Alembic announces each of its plugins at INFO on import; that is noise in every command.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    # Its "Context impl", "Will assume" and "Running upgrade" lines too: a command's `--verbose`
    # shows them (ivr.commands.verbose_option).
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # urllib3 logs each request's URL at DEBUG: a Zammad user search carries the caller's
    # number in its query, the CTI endpoint its token in its path (issue 28). Never logged.
    logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)


def configure_secret_key(app: Flask) -> None:
    from datetime import timedelta

    from ivr.secret_key import persistent_secret_key

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = persistent_secret_key()
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=app.config["SESSION_MINUTES"])
    # Flask's defaults hold these keys already (SameSite None), so setdefault would do nothing.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"


def configure_extensions(app: Flask) -> None:
    from flask_wtf.csrf import CSRFProtect

    from ivr import db, services, twilio_rest
    from ivr.console import i18n as console_i18n
    from ivr.voice import security

    db.init_app(app)
    console_i18n.init_app(app)
    services.init_app(app)
    twilio_rest.init_app(app)
    security.init_app(app)
    app.extensions["ivr.csrf"] = CSRFProtect(app)


def configure_blueprints(app: Flask) -> None:
    from flask import redirect, url_for

    from ivr import api, audio, console, error_pages, health, web_security
    from ivr.voice import routes as voice

    web_security.init_converters(app)
    error_pages.init_app(app)
    csrf = app.extensions["ivr.csrf"]
    # Twilio, tools with bearer tokens and health checks post no forms: only the console does.
    for blueprint in (health.bp, audio.bp, voice.bp, api.bp):
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)
    app.register_blueprint(console.bp)
    app.add_url_rule("/", "index", lambda: redirect(url_for("console.work_list")))


def configure_web_security(app: Flask) -> None:
    from ivr import web_security

    web_security.init_app(app)


def configure_cli(app: Flask) -> None:
    from ivr import commands

    commands.init_app(app)
