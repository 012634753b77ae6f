"""A lint of TwiML against Twilio's documented nesting and attribute rules.

Every TwiML answer the test suites get from the app passes through `check` (hooked in by
tests/conftest.py), so a document Twilio would refuse or misplay fails the test that produced it,
even when the fake Twilio would have played it. Each rule names the page it comes from.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

# twilio.com/docs/voice/twiml: the verbs of a voice <Response>.
VERBS = {
    "Say", "Play", "Pause", "Gather", "Record", "Dial", "Hangup", "Redirect", "Reject",
    "Enqueue", "Leave", "Refer", "Connect", "Start", "Stop",
}  # fmt: skip
# twilio.com/docs/voice/twiml/enqueue#attributes-wait-url: what a waitUrl's TwiML may contain
# (a <Gather> in it runs its action in the same place: the same verbs).
WAIT_VERBS = {"Play", "Say", "Pause", "Hangup", "Redirect", "Leave", "Gather"}
# twilio.com/docs/voice/twiml/queue#attributes-url: run on the dequeued caller before the bridge.
QUEUE_URL_VERBS = {"Play", "Say", "Pause", "Redirect"}
# twilio.com/docs/voice/twiml/gather#nest-other-verbs
GATHER_CHILDREN = {"Say", "Play", "Pause"}
# twilio.com/docs/voice/twiml/dial#nouns
DIAL_NOUNS = {"Number", "Client", "Conference", "Queue", "Sip", "Application", "WhatsApp"}
# twilio.com/docs/voice/twiml/say/text-speech#available-voices-and-languages (the line's two)
VOICES = {
    "nl-NL": {"Polly.Lotte", "Polly.Ruben", "Polly.Laura-Neural", "Polly.Laura"},
    "de-DE": {
        "Polly.Marlene", "Polly.Hans", "Polly.Vicki", "Polly.Vicki-Neural",
        "Polly.Daniel-Neural",
    },
}  # fmt: skip
GOOGLE_VOICE = re.compile(r"^Google\.(?P<tag>[a-z]{2}-[A-Z]{2})-")
METHODS = {"GET", "POST"}
TRUE_FALSE = {"true", "false"}
E164 = re.compile(r"^\+[1-9]\d{1,14}$")
KEYS = re.compile(r"^[0-9#*]*$")
POSITIVE = re.compile(r"^[1-9]\d*$")
NATURAL = re.compile(r"^\d+$")


class TwimlLintError(AssertionError):
    """The app answered TwiML that breaks one of Twilio's documented rules."""


def context_of(path: str) -> str:
    """Which documented rules apply to the answer of the webhook at `path`."""
    if path.endswith(("/voice/queue/wait", "/voice/queue/choice", "/voice/queue/summary")):
        return "wait"
    if path.endswith("/voice/queue/bridge"):
        return "queue-url"
    return "call"


def problems(body: str, context: str = "call") -> list[str]:
    """Every broken rule of the document `body`; empty when it is fine."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        return [f"not XML: {exc}"]
    if root.tag != "Response":
        return [f"root is <{root.tag}>, not <Response>"]
    found: list[str] = []
    allowed = {"wait": WAIT_VERBS, "queue-url": QUEUE_URL_VERBS}.get(context, VERBS - {"Leave"})
    for i, verb in enumerate(root):
        if verb.tag not in allowed:
            found.append(f"<{verb.tag}> is not allowed here ({context} document)")
        if verb.tag in ("Hangup", "Redirect", "Reject", "Leave") and i < len(root) - 1:
            later = root[i + 1].tag
            found.append(f"<{later}> after <{verb.tag}> is never played")
        found += _verb(verb)
    return found


def check(body: str, context: str = "call") -> None:
    """Fail with every broken rule of `body`."""
    found = problems(body, context)
    if found:
        raise TwimlLintError("TwiML breaks Twilio's rules:\n- " + "\n- ".join(found) + f"\n{body}")


def _verb(verb: ET.Element) -> list[str]:
    found = _methods(verb) + CHECKS.get(verb.tag, lambda _v: [])(verb)
    if verb.tag not in ("Gather", "Dial") and len(verb):
        found.append(f"<{verb.tag}> has children {[c.tag for c in verb]}")
    return found


def _record(verb: ET.Element) -> list[str]:
    """twilio.com/docs/voice/twiml/record#attributes"""
    a = verb.attrib
    found = _number(verb, "maxLength", POSITIVE) + _number(verb, "timeout", NATURAL)
    if not KEYS.match(a.get("finishOnKey", "")):
        found.append(f"<Record finishOnKey={a['finishOnKey']!r}>: only 0-9, # and *")
    if a.get("trim", "trim-silence") not in ("trim-silence", "do-not-trim"):
        found.append(f"<Record trim={a['trim']!r}>")
    return found


def _play(verb: ET.Element) -> list[str]:
    """twilio.com/docs/voice/twiml/play"""
    found = _number(verb, "loop", NATURAL)
    if not (verb.text or "").strip() and "digits" not in verb.attrib:
        found.append("<Play> without a URL")
    return found


def _text_needed(what: str) -> Callable[[ET.Element], list[str]]:
    def check(verb: ET.Element) -> list[str]:
        return [] if (verb.text or "").strip() else [f"<{verb.tag}> without {what}"]

    return check


def _enqueue(verb: ET.Element) -> list[str]:
    """twilio.com/docs/voice/twiml/enqueue: a queue name of at most 64 characters."""
    name = (verb.text or "").strip()
    return [] if 0 < len(name) <= 64 else [f"<Enqueue> queue name {name!r}"]


def _methods(verb: ET.Element) -> list[str]:
    return [
        f"<{verb.tag} {name}={value!r}>: GET or POST"
        for name, value in verb.attrib.items()
        if (name == "method" or name.endswith("Method")) and value not in METHODS
    ]


def _number(verb: ET.Element, name: str, form: re.Pattern[str]) -> list[str]:
    value = verb.get(name)
    if value is None or form.match(value):
        return []
    return [f"<{verb.tag} {name}={value!r}>: not a valid number"]


def _say(verb: ET.Element) -> list[str]:
    """twilio.com/docs/voice/twiml/say#attributes-language: a voice speaks its own language."""
    language, voice = verb.get("language"), verb.get("voice")
    if language is not None and language not in VOICES:
        return [f"<Say language={language!r}>: not a language of the line"]
    if voice is None or language is None or voice in ("man", "woman", "alice"):
        return []
    google = GOOGLE_VOICE.match(voice)
    if google and google["tag"] != language:
        return [f"<Say voice={voice!r}> does not speak {language}"]
    if voice.startswith("Polly.") and voice not in VOICES[language]:
        return [f"<Say voice={voice!r}> does not speak {language}"]
    return []


def _gather(verb: ET.Element) -> list[str]:
    """twilio.com/docs/voice/twiml/gather#attributes"""
    a = verb.attrib
    found = [f"<Gather> may not contain <{c.tag}>" for c in verb if c.tag not in GATHER_CHILDREN]
    for child in verb:
        found += _verb(child)
    inputs = set(a.get("input", "dtmf").split())
    if not inputs or not inputs <= {"dtmf", "speech"}:
        found.append(f"<Gather input={a.get('input')!r}>: dtmf and/or speech")
    found += _number(verb, "numDigits", POSITIVE) + _number(verb, "timeout", NATURAL)
    if not KEYS.match(a.get("finishOnKey", "#")) or len(a.get("finishOnKey", "#")) > 1:
        found.append(f"<Gather finishOnKey={a['finishOnKey']!r}>: one of 0-9, # and *")
    for flag in ("actionOnEmptyResult", "partialResultCallback", "profanityFilter"):
        if flag != "partialResultCallback" and a.get(flag, "true") not in TRUE_FALSE:
            found.append(f"<Gather {flag}={a[flag]!r}>: true or false")
    timeout = a.get("speechTimeout")
    if timeout is not None and timeout != "auto" and not NATURAL.match(timeout):
        found.append(f"<Gather speechTimeout={timeout!r}>: a number of seconds or auto")
    if a.get("speechModel") and not POSITIVE.match(timeout or ""):
        found.append(f"<Gather speechModel> needs an integer speechTimeout, not {timeout!r}")
    if "speech" in inputs and a.get("language", "en-US") not in (*VOICES, "en-US"):
        found.append(f"<Gather language={a['language']!r}>: not a language of the line")
    return found


def _dial(verb: ET.Element) -> list[str]:
    """twilio.com/docs/voice/twiml/dial#attributes"""
    a = verb.attrib
    found = [f"<Dial> may not contain <{c.tag}>" for c in verb if c.tag not in DIAL_NOUNS]
    found += _number(verb, "timeout", POSITIVE) + _number(verb, "timeLimit", POSITIVE)
    caller_id = a.get("callerId")
    if caller_id is not None and not (E164.match(caller_id) or caller_id.startswith("client:")):
        # twilio.com/docs/api/errors/13214: a valid number, never a withheld placeholder
        found.append(f"<Dial callerId={caller_id!r}>: not a number Twilio accepts")
    if not len(verb) and not (verb.text or "").strip():
        found.append("<Dial> with nothing to dial")
    for noun in verb:
        found += _methods(noun)
        detection = noun.get("machineDetection")
        if detection is not None and detection not in ("Enable", "DetectMessageEnd"):
            # twilio.com/docs/voice/answering-machine-detection#machinedetection
            found.append(f"<{noun.tag} machineDetection={detection!r}>")
    return found


CHECKS: dict[str, Callable[[ET.Element], list[str]]] = {
    "Say": _say,
    "Gather": _gather,
    "Dial": _dial,
    "Record": _record,
    "Play": _play,
    "Pause": lambda verb: _number(verb, "length", POSITIVE),  # twilio.com/docs/voice/twiml/pause
    "Redirect": _text_needed("a URL"),  # twilio.com/docs/voice/twiml/redirect
    "Enqueue": _enqueue,
}
