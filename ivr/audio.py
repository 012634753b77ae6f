"""Studio recordings of prompts for Twilio's `<Play>`: public, cacheable, that folder only."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_from_directory

from ivr.i18n import AUDIO_SUFFIXES, LOCALES

bp = Blueprint("audio", __name__, url_prefix="/audio")


@bp.get("/<locale>/<filename>")
def recording(locale: str, filename: str) -> Response:
    if locale not in LOCALES or not filename.endswith(AUDIO_SUFFIXES):
        abort(404)
    folder = Path(current_app.config["AUDIO_DIR"]) / locale
    # Only a regular file that is really in the folder: no symlink out of it (send_from_directory
    # checks the name, not where a link points), no directory, no special file.
    path = folder / filename
    if "/" in filename or path.is_symlink() or not path.is_file():
        abort(404)
    if path.resolve().parent != folder.resolve():
        abort(404)
    return send_from_directory(folder, filename, max_age=86400)


@bp.get("/<filename>")
def shared(filename: str) -> Response:
    """Sound for every language: the queue's hold music (`hold-music.wav`, replaceable)."""
    if not filename.endswith(AUDIO_SUFFIXES):
        abort(404)
    return send_from_directory(current_app.config["AUDIO_DIR"], filename, max_age=86400)
