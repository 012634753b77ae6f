"""The signature check hands the library the form's values by name (issue 30): the same HMAC."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import ImmutableMultiDict

from ivr.voice.security import SignedValues

FIELDS = st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), max_size=12)


@given(FIELDS, st.text(max_size=10))
def test_the_signature_over_signed_values_is_the_librarys_over_the_form(
    fields: list[tuple[str, str]], path: str
) -> None:
    form = ImmutableMultiDict(fields)
    validator = RequestValidator("test-auth-token-0123456789abcdef")
    url = f"https://line.example/voice/{path}"
    ours = validator.compute_signature(url, SignedValues(form.lists()))
    assert ours == validator.compute_signature(url, form)
