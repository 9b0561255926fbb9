"""A reply to a post its author deleted meanwhile: each network's documented answer is read as
:class:`GoneError` (never retried, and never a credentials problem)."""

import pytest
import responses

from social_crm.connectors import facebook, mastodon, x
from social_crm.connectors.base import AuthError, GoneError

USER_CREDS = {
    "consumer_key": "ck-secret-1234", "consumer_secret": "cs-secret-5678",
    "access_token": "1111111111-at-secret-9999", "access_token_secret": "ats-secret-0000",
}


@responses.activate
def test_x_reply_to_a_deleted_tweet():
    responses.post("https://api.twitter.com/2/tweets", status=403, json={
        "detail": "You attempted to reply to a Tweet that is deleted or not visible to you.",
        "type": "about:blank", "title": "Forbidden", "status": 403})
    with pytest.raises(GoneError) as info:
        x.reply(USER_CREDS, "1790000000000000003", "@jane Sorry!")
    assert not isinstance(info.value, AuthError)
    assert not info.value.retryable and info.value.status == 403
    # v1.1 shape: error code 385
    responses.replace(responses.POST, "https://api.twitter.com/2/tweets", status=403, json={
        "errors": [{"code": 385, "message": "You attempted to reply to a Tweet that is "
                    "deleted or not visible to you."}]})
    with pytest.raises(GoneError):
        x.reply(USER_CREDS, "1790000000000000003", "@jane Sorry!")
    # any other 403 stays a credentials/access problem
    responses.replace(responses.POST, "https://api.twitter.com/2/tweets", status=403, json={
        "detail": "You are not permitted to perform this action.", "type": "about:blank",
        "title": "Forbidden", "status": 403})
    with pytest.raises(AuthError):
        x.reply(USER_CREDS, "1790000000000000003", "@jane Sorry!")


@responses.activate
def test_mastodon_reply_to_a_deleted_status():
    responses.post("https://mastodon.example/api/v1/statuses", status=404, json={
        "error": "The post you are trying to reply to does not appear to exist."})
    with pytest.raises(GoneError) as info:
        mastodon.reply({"access_token": "tok-secret-1"}, "1", "@kim Sorry!",
                       base_url="https://mastodon.example")
    assert info.value.status == 404 and "does not appear to exist" in str(info.value)
    assert "tok-secret-1" not in str(info.value)


@responses.activate
def test_facebook_reply_to_a_deleted_comment():
    responses.post("https://graph.facebook.com/v23.0/1_2/comments", status=400, json={"error": {
        "message": "Unsupported post request. Object with ID '1_2' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation.",
        "type": "GraphMethodException", "code": 100, "error_subcode": 33,
        "fbtrace_id": "AbC"}})
    with pytest.raises(GoneError) as info:
        facebook.reply({"page_access_token": "EAAGsecret"}, "1_2", "Sorry!")
    assert not info.value.retryable and info.value.status == 400
