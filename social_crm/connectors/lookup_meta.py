"""Facebook pages and Instagram business accounts through the Graph API.

Facebook: ``GET /{page-id-or-username}?fields=id,name,username,link,followers_count,
fan_count`` with a page (or app) token, one page per request. Persons' profiles give no
counts to an app: Graph answers a permission error (code 10, 200-299) or "does not exist"
(code 100, subcode 33), read as ``unavailable`` and ``missing``.

Instagram: business discovery, ``GET /{our-ig-user-id}?fields=business_discovery.username(
handle){id,username,name,biography,followers_count,follows_count,media_count}``: works for
business and creator accounts only; for others Graph answers code 110 / subcode 2207013
(``unavailable``). ``config.account_id`` is our own Instagram business account id.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests

from . import facebook, http
from .base import AuthError, Author, ConnectorError, MissingCredentialsError, RateLimitError
from .lookup import (
    FOUND,
    MISSING,
    UNAVAILABLE,
    LookupConfig,
    Profile,
    Wanted,
    not_asked,
    register,
)
from .util import expect_dict, short, text_of, to_int

PAGE_FIELDS = "id,name,username,link,followers_count,fan_count"
DISCOVERY_FIELDS = "id,username,name,biography,followers_count,follows_count,media_count"
MISSING_SUBCODES = frozenset({33})
NOT_BUSINESS_SUBCODES = frozenset({2207013})


def parse_page(body: Any) -> Author:
    body = expect_dict(body, "the page", "facebook")
    page_id = text_of(body.get("id"))
    username = text_of(body.get("username")) or None
    followers = body.get("followers_count")
    if followers is None:
        followers = body.get("fan_count")  # older pages: likes are the followers
    return Author(
        network="facebook",
        external_id=page_id,
        handle=username,
        display_name=text_of(body.get("name")) or None,
        profile_url=text_of(body.get("link")) or None,
        followers_count=to_int(followers),
    )


def parse_discovery(body: Any) -> Author:
    body = expect_dict(body, "the answer", "instagram")
    found = expect_dict(body.get("business_discovery"), "business_discovery", "instagram")
    username = text_of(found.get("username")) or None
    return Author(
        network="instagram",
        external_id=text_of(found.get("id")),
        handle=username,
        display_name=text_of(found.get("name")) or username,
        profile_url=f"https://www.instagram.com/{username}/" if username else None,
        bio=text_of(found.get("biography")) or None,
        followers_count=to_int(found.get("followers_count")),
        following_count=to_int(found.get("follows_count")),
        posts_count=to_int(found.get("media_count")),
    )


def _graph(session, url, params, config: LookupConfig, token: str):
    app_secret = (config.credentials or {}).get("app_secret")
    body, _response = http.request_json(
        session, "GET", url, network="facebook",
        params={**params, "access_token": token, **facebook._proof(token, app_secret)},
        timeout=config.timeout, secrets=(token, app_secret), error_hook=facebook.graph_error,
        expect=dict, max_bytes=config.max_response_bytes)
    return body


def _failed(item: Wanted, exc: ConnectorError, network: str) -> Profile:
    """The profile of an account Graph refused to describe (a rate limit or a wrong token
    is raised instead: it concerns every account)."""
    code = getattr(exc, "code", None)
    text = short(exc, limit=300)
    if isinstance(exc, AuthError) and code in facebook.AUTH_CODES:
        raise exc
    if code == 100 and ("subcode 33" in text or "does not exist" in text):
        return Profile(item.key, MISSING, reason=text)
    if isinstance(exc, AuthError) or code in (100, 110) or exc.status in (400, 403, 404):
        return Profile(item.key, UNAVAILABLE, reason=text)
    raise exc


def _token(config: LookupConfig, network: str) -> str:
    credentials = config.credentials or {}
    token = credentials.get("page_access_token") or credentials.get("access_token")
    if not token:
        raise MissingCredentialsError(f"{network}: a page access token is needed to look up "
                                      "profiles")
    return token


@register("facebook")
def lookup_facebook(wanted: list[Wanted], config: LookupConfig,
                    session=None) -> Iterator[list[Profile]]:
    token = _token(config, "facebook")
    session = session or requests.Session()
    base = facebook._base(config.base_url)
    for item in wanted:
        target = item.external_id or item.handle
        if not target:
            yield not_asked([item], "facebook: neither a page id nor a user name")
            continue
        try:
            body = _graph(session, f"{base}/{target}", {"fields": PAGE_FIELDS}, config, token)
        except RateLimitError:
            raise
        except ConnectorError as exc:
            yield [_failed(item, exc, "facebook")]
            continue
        yield [Profile(item.key, FOUND, parse_page(body))]


@register("instagram")
def lookup_instagram(wanted: list[Wanted], config: LookupConfig,
                     session=None) -> Iterator[list[Profile]]:
    token = _token(config, "instagram")
    if not config.account_id:
        raise MissingCredentialsError("instagram: business discovery needs our own Instagram "
                                      "business account id")
    session = session or requests.Session()
    base = facebook._base(config.base_url)
    for item in wanted:
        if not item.handle:
            yield not_asked([item], "instagram: business discovery needs the user name")
            continue
        fields = f"business_discovery.username({item.handle}){{{DISCOVERY_FIELDS}}}"
        try:
            body = _graph(session, f"{base}/{config.account_id}", {"fields": fields}, config,
                          token)
        except RateLimitError:
            raise
        except ConnectorError as exc:
            subcode = None
            if "2207013" in str(exc):
                subcode = 2207013
            profile = _failed(item, exc, "instagram")
            if subcode in NOT_BUSINESS_SUBCODES:
                profile = Profile(item.key, UNAVAILABLE, reason="instagram: not a business or "
                                  "creator account (business discovery does not see it)")
            yield [profile]
            continue
        yield [Profile(item.key, FOUND, parse_discovery(body))]
