"""The voice suites' fixtures (a line behind the fake Twilio) for the contract tests."""

from tests.voice.conftest import line  # noqa: F401
