"""The journey's fixtures (a phone, agents on duty) for the terminal phone's tests."""

from tests.voice.conftest import agents, phone  # noqa: F401  re-exported fixtures
