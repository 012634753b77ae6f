"""Recordings fetched from Twilio with the account's credentials and passed on to the browser.

Twilio's recording URL is never shown in the console: staff play it through this app, and only
URLs on the configured Twilio API host are fetched, so the credentials go nowhere else.
"""

from __future__ import annotations

from flask import Response, abort, current_app, stream_with_context

CHUNK = 64 * 1024


def stream_recording(recording_url: str) -> Response:
    import requests

    config = current_app.config
    sid, token = config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"]
    if not (sid and token):
        abort(503, "Recordings cannot be fetched: TWILIO_ACCOUNT_SID is not configured.")
    if not recording_url.startswith(config["TWILIO_API_BASE"].rstrip("/") + "/"):
        abort(404)
    try:
        upstream = requests.get(
            recording_url + ".mp3",  # Twilio serves the media as MP3 when asked by extension
            auth=(sid, token),
            timeout=config["HTTP_TIMEOUT_SECONDS"],
            stream=True,
        )
    except OSError:
        abort(502, "Twilio could not be reached for the recording.")
    if upstream.status_code != 200:
        upstream.close()
        abort(502, f"Twilio answered {upstream.status_code} for the recording.")

    def chunks():  # type: ignore[no-untyped-def]
        try:
            yield from upstream.iter_content(CHUNK)
        finally:
            upstream.close()

    headers = {"Cache-Control": "private, no-store"}
    if "Content-Length" in upstream.headers:
        headers["Content-Length"] = upstream.headers["Content-Length"]
    return Response(
        stream_with_context(chunks()),
        mimetype=upstream.headers.get("Content-Type", "audio/mpeg"),
        headers=headers,
    )
