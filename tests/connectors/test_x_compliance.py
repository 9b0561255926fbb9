"""X batch compliance jobs at the HTTP boundary, with the documented payloads: each step
with a timeout, the bearer token only to the API, the signed URLs without it and their
refusal no refusal of the credentials, the results read line by line."""

import datetime as dt
import json

import pytest
import responses
from connector_helpers import assert_no_secret, load_payload, payload_text, timeout_of

from social_crm.connectors import x_compliance as xc
from social_crm.connectors.base import AuthError, MalformedResponseError

BEARER = "AAAAAAAAAAAAAAAAAAAAAsecret-bearer"
JOBS = "https://api.twitter.com/2/compliance/jobs"
CREDENTIALS = {"bearer_token": BEARER}


def job_body(status="created", **dates):
    body = load_payload("x_compliance/job_created.json")
    body["data"]["status"] = status
    now = dt.datetime.now(dt.UTC)
    body["data"].update({
        "upload_expires_at": (now + dt.timedelta(minutes=15)).isoformat(),
        "download_expires_at": (now + dt.timedelta(days=7)).isoformat(), **dates})
    return body


@responses.activate
def test_create_upload_poll_download():
    responses.post(JOBS, json=job_body())
    job = xc.create_job(CREDENTIALS, name="odoo-source-1", timeout=7)
    assert (job.id, job.status) == ("1460000000000000123", "created")
    assert BEARER not in repr(job) and "X-Goog-Signature" not in repr(job)
    call = responses.calls[0]
    assert json.loads(call.request.body) == {"type": "tweets", "name": "odoo-source-1"}
    assert call.request.headers["Authorization"] == f"Bearer {BEARER}"
    assert timeout_of(call)
    responses.put(job.upload_url.split("?")[0], body="")
    assert xc.upload_ids(job, ["186", "186", "not-a-tweet", "187"], timeout=7) == 2
    upload = responses.calls[1]
    assert upload.request.body == b"186\n187"
    assert upload.request.headers["Content-Type"] == "text/plain"
    assert "Authorization" not in upload.request.headers
    assert timeout_of(upload)
    responses.get(f"{JOBS}/{job.id}", json=job_body("complete"))
    done = xc.get_job(CREDENTIALS, job.id, timeout=7)
    assert done.status == xc.COMPLETE and timeout_of(responses.calls[2])
    responses.get(done.download_url.split("?")[0],
                  body=payload_text("x_compliance/results.jsonl"))
    results = xc.download_results(done, timeout=7)
    assert timeout_of(responses.calls[3])
    assert [(a.tweet_id, a.kind) for a in results.actions] == [
        ("1865000000000000101", xc.DELETED), ("1865000000000000102", xc.SUSPENDED),
        ("1865000000000000103", xc.PROTECTED), ("1865000000000000104", xc.SCRUB_GEO),
        ("1865000000000000105", xc.DEACTIVATED)]
    assert results.actions[0].redacted_at == dt.datetime(2026, 12, 4, 18, 21, 7, tzinfo=dt.UTC)


def test_malformed_lines_are_skipped_the_rest_read():
    lines = payload_text("x_compliance/results.jsonl").splitlines()
    lines[1:1] = ["{not json", '{"id": "abc", "action": "delete", "reason": "deleted"}',
                  '{"id": "1865000000000000199", "action": "undrop"}', "[]"]
    results = xc.read_results("\n".join(lines).encode())
    assert len(results.actions) == 5
    assert results.skipped == 4
    assert [n.split(":")[1].strip() for n in results.notes] == [
        f"compliance results line {i} skipped" for i in (2, 3, 4, 5)]
    # X's ``action`` alone, without a reason, is enough
    (action,) = xc.read_results(b'{"id": "1", "action": "protect"}').actions
    assert action.kind == xc.PROTECTED


@responses.activate
def test_revoked_token_is_an_auth_error_without_the_token():
    responses.post(JOBS, status=401, json=load_payload("x/error_401.json"))
    with pytest.raises(AuthError) as caught:
        xc.create_job(CREDENTIALS, timeout=7)
    assert_no_secret(caught.value, BEARER)


@responses.activate
def test_an_expired_signed_url_is_no_credentials_refusal():
    job = xc.parse_job(job_body("complete"))
    responses.get(job.download_url.split("?")[0], status=400,
                  body="<Error><Code>ExpiredToken</Code></Error>")
    with pytest.raises(xc.ExpiredError) as caught:
        xc.download_results(job, timeout=7)
    assert not isinstance(caught.value, AuthError)
    past = xc.parse_job(job_body("complete", download_expires_at="2020-01-01T00:00:00.000Z"))
    with pytest.raises(xc.ExpiredError):
        xc.download_results(past, timeout=7)
    assert len(responses.calls) == 1  # past its expiry the URL is not asked


@pytest.mark.parametrize("body", [
    {"errors": [{"title": "Invalid Request", "detail": "One or more parameters are invalid"}]},
    {"data": {"id": "x1", "status": "created"}},
    {"data": {"id": "1", "status": "exploded"}},
    [],
])
def test_a_job_answer_of_another_shape_is_malformed(body):
    with pytest.raises(MalformedResponseError):
        xc.parse_job(body)


@responses.activate
def test_signed_urls_must_be_public_https():
    body = job_body()
    body["data"]["upload_url"] = "http://169.254.169.254/latest/meta-data"
    responses.post(JOBS, json=body)
    with pytest.raises(MalformedResponseError):
        xc.create_job(CREDENTIALS, timeout=7)
