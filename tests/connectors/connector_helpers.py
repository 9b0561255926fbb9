"""Helpers shared by the connector tests."""

import json
import pathlib

PAYLOADS = pathlib.Path(__file__).resolve().parent / "payloads"


def load_payload(name: str):
    """A fixture JSON payload (``payloads/<network>/<file>.json``) as Python data."""
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def payload_text(name: str) -> str:
    return (PAYLOADS / name).read_text(encoding="utf-8")


def assert_no_secret(error: BaseException, *secrets: str):
    """Neither the message, the repr nor a visible chained exception shows a secret."""
    texts = [str(error), repr(error), repr(error.args)]
    cause = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    if cause is not None:
        texts += [str(cause), repr(cause)]
    for secret in secrets:
        for text in texts:
            assert secret not in text, text


def timeout_of(call) -> float | None:
    """The timeout a recorded ``responses`` call was sent with."""
    return call.request.req_kwargs.get("timeout")
