"""Settings from the environment: one name, one default and one line of documentation each."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ivr.setting_parsers import (
    Setting,
    agent_pin,
    by_position,
    caller_id_choice,
    comma_list,
    flag,
)

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("IVR_INSTANCE_DIR", ROOT / "instance"))


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        f"sqlite:///{INSTANCE_DIR / 'ivr.sqlite3'}",
        "SQLAlchemy URL; `postgresql+psycopg://user:pw@host/db` in production",
    ),
    Setting(
        "DB_TIMEOUT_SECONDS", "3", "connect/statement/lock timeout for every database call", float
    ),
    Setting(
        "ANNOUNCEMENTS_CACHE_SECONDS",
        "5",
        "how long a worker reuses the maintenance windows and the disruption it read; one saved "
        "or ended in the console reaches every call within this time (at once on its worker)",
        float,
    ),
    Setting(
        "CLOSURES_CACHE_SECONDS",
        "10",
        "how long a worker reuses the closures it read; a closure saved in the console reaches "
        "every call within this time",
        float,
    ),
    Setting(
        "CLOSURE_WARN_DAYS",
        "31",
        "the console asks for confirmation before saving a closure longer than this many days",
        int,
    ),
    Setting(
        "TWILIO_AUTH_TOKEN",
        "",
        "verifies `X-Twilio-Signature`; required unless `IVR_DEV_UNSIGNED=1`",
    ),
    # A Webhook Rule makes Twilio sign with a SharedKey instead of the auth token, and say so in
    # X-Twilio-Webhooks-Signature-Settings (twilio.com/docs/usage/webhooks/webhook-shared-keys).
    Setting(
        "TWILIO_SHARED_KEY_SECRET",
        "",
        "the SharedKey secret of a Webhook Rule: verifies webhooks that carry "
        "`X-Twilio-Webhooks-Signature-Settings`; empty: those are refused (403, logged once)",
    ),
    Setting(
        "TWILIO_SHARED_KEY_SECRET_PREVIOUS",
        "",
        "a second SharedKey secret also accepted, for rotating keys without downtime",
    ),
    Setting(
        "TWILIO_ACCOUNT_SID",
        "",
        "the account for Twilio's REST API: calls to agents, recordings in the console, "
        "recordings erased by `retention purge`",
    ),
    Setting(
        "TWILIO_NUMBER",
        "",
        "the line's own Twilio number (E.164): the caller ID of the calls the line places",
    ),
    Setting(
        "MESSAGES_FROM",
        "",
        "sender of text messages to callers: a Twilio number (E.164) or a Messaging Service SID "
        "(`MG...`); empty: no text messages are sent",
    ),
    Setting(
        "DISRUPTION_ALL_USERS_AT",
        "20",
        "a known disruption with at least this many affected callers counts as affecting all "
        "users in the category matrix (fewer: several users)",
        int,
    ),
    Setting(
        "TWILIO_API_BASE",
        "https://api.twilio.com",
        "Twilio's REST API; only recording URLs on this host are fetched with the account's "
        "credentials (tests point it at the local fake, `ivr/phone/fake_twilio.py`)",
    ),
    Setting(
        "IVR_DEV_UNSIGNED",
        "0",
        "development only: accept unsigned webhooks when no token is set (logs a loud warning)",
        flag,
    ),
    Setting(
        "PROXY_TRUSTED_HOPS",
        "0",
        "number of reverse proxies whose `X-Forwarded-*` headers "
        "are trusted (1 behind one TLS-terminating proxy)",
        int,
    ),
    Setting(
        "SECRET_KEY",
        "",
        "signs console sessions; default: a random key kept in `instance/secret_key`",
    ),
    Setting("IVR_TIMEZONE", "Europe/Amsterdam", "time zone of the opening hours"),
    Setting(
        "OPENING_HOURS",
        "mon-fri 08:30-17:00",
        "opening intervals, e.g. `mon-fri 08:00-12:00,13:00-17:30; sat 09:00-12:00`",
    ),
    Setting("HOLIDAY_COUNTRY", "NL", "country of the public holidays (`holidays` package)"),
    Setting("HOLIDAY_SUBDIV", "", "optional subdivision of that country"),
    Setting(
        "HOLIDAY_CATEGORIES",
        "",
        "`holidays` categories; empty = the legal Dutch list (Algemene termijnenwet art. 3) for NL",
        comma_list,
    ),
    Setting(
        "FALLBACK_NUMBER",
        "",
        "E.164 number dialled when nothing else can route a caller "
        "(database down, application error)",
    ),
    Setting(
        "AGENT_CALLER_ID",
        "line",
        "the number an agent's or the fallback number's phone shows: `line` (the number the "
        "caller dialled) or `caller` (the caller's own, the line's when withheld)",
        caller_id_choice,
    ),
    Setting(
        "DIAL_TIMEOUT_SECONDS",
        "25",
        "how long an agent's phone rings with an offer before it counts as missed (agent away)",
        int,
    ),
    Setting(
        "PUBLIC_URL",
        "",
        "the line's public base URL (`https://your-host`) for the webhooks of the calls the "
        "line places; default: the host Twilio called (the sweeper needs it set)",
    ),
    Setting("WRAP_UP_SECONDS", "60", "an agent's wrap-up time after each call", int),
    Setting(
        "QUEUE_MAX_WAIT_SECONDS",
        "900",
        "longest wait in the queue; then the caller is offered the report",
        int,
    ),
    Setting(
        "QUEUE_MAX_LENGTH",
        "20",
        "most callers waiting per language; the next one is offered the report at once",
        int,
    ),
    Setting(
        "QUEUE_CHOICE_SECONDS",
        "45",
        "hold music between the waiting caller's choices (keep waiting, callback, report)",
        int,
    ),
    Setting(
        "QUEUE_HANDLING_SECONDS",
        "300",
        "an agent's time per call for the expected wait until the line has measured its own",
        int,
    ),
    Setting(
        "QUEUE_QUESTION_CATEGORY",
        "4",
        "questions wait with incidents of this category, after them",
        int,
    ),
    Setting(
        "CALLBACK_ATTEMPTS", "3", "calls to a caller who asked for a callback, then a report", int
    ),
    Setting(
        "CALLBACK_RETRY_SECONDS",
        "600",
        "a callback the caller did not answer is tried again after this long (its place kept)",
        int,
    ),
    Setting(
        "AGENT_PHONE_LOGIN",
        "0",
        "an agent calling the line from their registered number can log in (1) or out (2) "
        "before the caller's menus (trusts caller ID: see `AGENT_PHONE_PIN`)",
        flag,
    ),
    Setting(
        "AGENT_PHONE_PIN",
        "",
        "4 to 12 digits the agent keys to log in or out by phone; empty: caller ID alone",
        agent_pin,
    ),
    Setting(
        "QUEUE_FAULT_SECONDS",
        "60",
        "a waiting caller is offered the report (or `FALLBACK_NUMBER`) after this long without "
        "the database, or when Twilio refuses to place offers",
        int,
    ),
    Setting("RECORDING_MAX_SECONDS", "180", "longest spoken report", int),
    Setting(
        "RETENTION_DAYS",
        "90",
        "recordings and full phone numbers are erased after this "
        "many days (`flask --app app retention purge`)",
        int,
    ),
    # Twilio's <Say> takes Amazon Polly voices as Polly.<Name>[-Neural]; Laura (nl-NL) and
    # Vicki (de-DE) are Polly's neural voices for these languages
    # (twilio.com/docs/voice/twiml/say/text-speech).
    Setting(
        "SPEECH_MODEL",
        "",
        "`speechModel` of every spoken-answer `<Gather>` (nl-NL and de-DE): "
        "`deepgram_nova-2`, `deepgram_nova-3` or `googlev2_telephony`; empty: Twilio chooses; "
        "any other value is refused at start",
    ),
    Setting(
        "SPEECH_TIMEOUT_SECONDS",
        "2",
        "`speechTimeout` of every `<Gather>` that names a `speechModel` (Twilio refuses `auto` "
        "there): seconds of silence that end the answer",
        int,
    ),
    # Free speech, not a menu word: a model named explicitly that knows Dutch and German.
    # Sources (docs/console/leads.md, "A sentence agents can read"): Twilio's <Gather> takes a
    # Deepgram model in `speechModel` and passes `language` on to it
    # (twilio.com/docs/voice/twiml/gather, "speechModel"; a pair the model does not support
    # fails with warning 13331);
    # Deepgram documents Nova-2 for Dutch and German (developers.deepgram.com/changelog/2024/5/14,
    # developers.deepgram.com/docs/models-languages-overview). Off by default: see the manual.
    Setting(
        "ASK_SUMMARY",
        "0",
        "ask callers for one sentence about the problem (speech to text) while they wait in the "
        "queue or after the recording; shown in the work list, whisper, API, export and hand-off",
        flag,
    ),
    Setting(
        "SUMMARY_SPEECH_MODEL",
        "deepgram_nova-2",
        "`speechModel` of the one-sentence summary `<Gather>` (nl-NL and de-DE); checked at "
        "start like `SPEECH_MODEL`",
    ),
    Setting(
        "WHISPER_SUMMARY_WORDS",
        "15",
        "a caller's summary of at most this many words is whispered to the agent",
        int,
    ),
    Setting(
        "WHISPER_SUMMARY_CONFIDENCE",
        "0.5",
        "... and only when it was recognised with at least this confidence (0 to 1)",
        float,
    ),
    Setting("VOICE_NL", "Polly.Laura-Neural", "`<Say>` voice for Dutch (nl-NL)"),
    Setting("VOICE_DE", "Polly.Vicki-Neural", "`<Say>` voice for German (de-DE)"),
    Setting(
        "AUDIO_DIR",
        str(ROOT / "voice_prompts" / "audio"),
        "studio recordings, `<locale>/<prompt id>.mp3` or `.wav`, played instead of `<Say>`",
    ),
    Setting(
        "SPOOL_DIR",
        str(INSTANCE_DIR / "spool"),
        "where reports are kept while the database is unreachable",
    ),
    Setting(
        "INCIDENT_WEBHOOK_URL",
        "",
        "ticket system endpoint that receives every completed incident as JSON",
    ),
    Setting("INCIDENT_WEBHOOK_SECRET", "", "HMAC-SHA256 key for the `X-IVR-Signature` header"),
    Setting(
        "HTTP_TIMEOUT_SECONDS",
        "5",
        "timeout for outgoing HTTP calls (ticket system, recordings)",
        float,
    ),
    Setting(
        "SESSION_MINUTES",
        "480",
        "console sessions expire after this many minutes without a click (a page that polls by"
        " itself, such as the work list or the wall board, does not keep one alive)",
        int,
    ),
    Setting(
        "WORKLIST_POLL_SECONDS",
        "5",
        "how often an open work list asks for changes (new incidents, states, SLA clocks)",
        float,
    ),
    Setting(
        "BOARD_POLL_SECONDS",
        "5",
        "how often an open wall board asks for the agents' presence and the callers waiting",
        float,
    ),
    Setting(
        "LOGIN_MAX_FAILURES",
        "5",
        "wrong passwords for one account within `LOGIN_THROTTLE_MINUTES` before logins to it pause",
        int,
    ),
    Setting(
        "LOGIN_MAX_FAILURES_PER_ADDRESS",
        "20",
        "wrong passwords from one address within `LOGIN_THROTTLE_MINUTES` before it pauses",
        int,
    ),
    Setting(
        "LOGIN_THROTTLE_MINUTES",
        "15",
        "the throttle's window: a pause ends when the oldest failure in it is this old",
        int,
    ),
    Setting(
        "IVR_ALLOW_CLOCK_HEADER",
        "0",
        "testing only: honour an `X-IVR-Clock` header that sets the app's clock for one request",
        flag,
    ),
    Setting("LOG_LEVEL", "INFO", "Python logging level"),
    # Running the line in production (issue 29): metrics, structured logs.
    Setting(
        "METRICS_TOKEN",
        "",
        "bearer token Prometheus sends to scrape `GET /metrics`; empty: there is no `/metrics`",
    ),
    Setting(
        "PROMETHEUS_MULTIPROC_DIR",
        "",
        "read by prometheus_client itself: a directory (emptied at start) shared by the gunicorn "
        "workers and the sidecars, so `/metrics` adds all their figures up",
    ),
    # Issue 27: the agent's workplace (screen pop, softphone in the browser, wrap-up).
    Setting(
        "TWILIO_API_KEY_SID",
        "",
        "an API key (SK...) of the Twilio account: signs the browser softphone's access tokens; "
        "without it and the next two the softphone is not offered",
    ),
    Setting("TWILIO_API_KEY_SECRET", "", "the secret of TWILIO_API_KEY_SID"),
    Setting(
        "TWILIO_TWIML_APP_SID",
        "",
        "the TwiML App (AP...) whose Voice URL the softphone's outgoing calls reach",
    ),
    Setting(
        "SOFTPHONE_TOKEN_SECONDS",
        "3600",
        "how long a softphone's access token lasts (at most 3600); renewed before it ends",
        lambda value: max(60, min(3600, int(value))),
    ),
    Setting(
        "SOFTPHONE_GRACE_SECONDS",
        "30",
        "a browser agent whose softphone sent no heartbeat for this long is set away",
        int,
    ),
    Setting(
        "SCREEN_POP_POLL_SECONDS",
        "1.5",
        "how often every console page asks whether an offer rings the user's agent",
        float,
    ),
    Setting(
        "LOG_FORMAT",
        "text",
        "`text`, or `json`: one JSON object per line (time, level, logger, message, request id, "
        "CallSid, desk), gunicorn's access log too",
        lambda value: _one_of("LOG_FORMAT", value, ("text", "json")),
    ),
    # Issue 28: incidents straight into the desk's ticket system, and its progress back.
    Setting(
        "TICKET_SYSTEM",
        "",
        "where incidents go: `webhook` (the signed JSON of `INCIDENT_WEBHOOK_URL`), `topdesk` or "
        "`zammad`; empty: `webhook` when `INCIDENT_WEBHOOK_URL` is set, else nowhere",
        lambda value: _one_of("TICKET_SYSTEM", value, ("", "webhook", "topdesk", "zammad")),
    ),
    Setting(
        "TICKETS_SYNC_PASSES",
        "6",
        "`outbox run` reads the ticket system's progress every this many passes (0: never; "
        "`tickets sync` reads it once)",
        int,
    ),
    Setting("TOPDESK_URL", "", "the TOPdesk installation, e.g. `https://yourcompany.topdesk.net`"),
    Setting("TOPDESK_USERNAME", "", "login name of the TOPdesk operator the line acts as"),
    Setting("TOPDESK_APP_PASSWORD", "", "that operator's application password (never logged)"),
    Setting(
        "TOPDESK_ENTRY_TYPE",
        "Telefonisch",
        "the name of TOPdesk's entry type (Melding > Soort melding) for a call, empty for none",
    ),
    Setting(
        "TOPDESK_CALL_TYPES",
        "Storing,Vraag,Verzoek",
        "TOPdesk's call type names for a disruption, a question and a standard change "
        "(in that order; an empty place sends none)",
        by_position,
    ),
    Setting(
        "TOPDESK_PRIORITY_NAMES",
        "",
        "TOPdesk's priority names for categories 1 to 4, e.g. `P1,P2,P3,P4` (empty: none sent)",
        by_position,
    ),
    Setting(
        "TOPDESK_IMPACT_NAMES",
        "",
        "TOPdesk's impact names for categories 1 to 4 (empty: none sent)",
        by_position,
    ),
    Setting(
        "TOPDESK_URGENCY_NAMES",
        "",
        "TOPdesk's urgency names for categories 1 to 4 (empty: none sent)",
        by_position,
    ),
    Setting(
        "TOPDESK_CALLER_BRANCH",
        "",
        "the TOPdesk branch (Vestiging) given to a caller not found among its persons by number "
        "(many installations require one; empty: none sent)",
    ),
    Setting(
        "TOPDESK_ATTACH_RECORDING",
        "0",
        "`1`: the caller's recording is attached to the TOPdesk incident (TOPdesk keeps it: "
        "`RETENTION_DAYS` cannot erase it there)",
        flag,
    ),
    # Zammad as the ticket system, and its generic CTI interface (issue 28).
    Setting("ZAMMAD_URL", "", "Zammad's address, e.g. `https://desk.zammad.com` (no `/api/v1`)"),
    Setting(
        "ZAMMAD_TOKEN", "", "a Zammad access token (permission `ticket.agent`) of the line's user"
    ),
    Setting("ZAMMAD_GROUP", "Users", "the Zammad group the line's tickets go to"),
    Setting(
        "ZAMMAD_PRIORITY_NAMES",
        "1=3 high,2=3 high,3=2 normal,4=1 low",
        "a ticket's Zammad priority per category, `category=name` separated by commas; the names "
        "must exist in Zammad (checked at start)",
    ),
    Setting(
        "ZAMMAD_WITHHELD_CUSTOMER",
        "withheld-number@phone-line.invalid",
        "e-mail of the Zammad customer for calls without a number (created on first use)",
    ),
    Setting(
        "ZAMMAD_CLOSED_STATES",
        "closed",
        "Zammad ticket states, separated by commas, that resolve the caller's incident",
    ),
    Setting(
        "ZAMMAD_CTI_URL",
        "",
        "the endpoint of Zammad's generic CTI integration (with its token); empty: no CTI events",
    ),
    # Many desks on one line (issue 26).
    Setting(
        "DESKS_FILE",
        "",
        "TOML file declaring the desks (`[desk.<key>]`: numbers, languages, hours, holidays, "
        "agreement); empty: the settings above form the one desk `default`",
    ),
)


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> str:
    choice = value.strip().lower()
    if choice not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return choice


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting, parsed, from `environ` (default: the process environment)."""
    env = os.environ if environ is None else environ
    return {s.name: s.parse(env.get(s.name, s.default)) for s in SETTINGS}


def settings_table() -> str:
    """The manual's settings table (docs/run/settings.md), written from SETTINGS so they agree."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for setting in SETTINGS:
        default = setting.default.replace(str(ROOT) + "/", "") or "(empty)"
        rows.append(f"| `{setting.name}` | `{default}` | {setting.help} |")
    return "\n".join(rows)


if __name__ == "__main__":
    from ivr.manual import write

    print(settings_table())
    write("settings")  # and rewrite it on its page
