"""Network connectors: plain Python (no ``odoo``), one module per network.

Reading::

    connector = get_connector("x", SourceConfig(kind="search", query="acme", credentials=...))
    for page in connector.fetch(stored_cursor):
        store(page.posts)
        if page.cursor is not None:
            stored_cursor = page.cursor

Network codes and source kinds (``REGISTRY``): ``x`` (search, mentions), ``mastodon``
(mentions, hashtag, search), ``bluesky`` (search), ``facebook`` (page), ``rss`` (feed),
``replay`` (replay).

Writing (each raises the typed errors of :mod:`.base`)::

    reply(network, credentials, in_reply_to_external_id, text, timeout=..., base_url="")
        -> ReplyResult                      # x, mastodon, facebook, bluesky (REPLIERS)
    hide(network, credentials, external_id, timeout=..., base_url="") -> bool
                                            # x (hide reply), facebook (hide comment) (HIDERS)

``base_url`` is the Mastodon instance / Graph API base; X ignores it. X needs the user
context keys (consumer_key, consumer_secret, access_token, access_token_secret), Mastodon
``access_token``, Facebook ``page_access_token``, Bluesky ``identifier`` and ``app_password``
(or an ``access_token`` JWT). :func:`missing_credentials` names the keys a write lacks
(``WRITE_CREDENTIALS``), so that the screens can say in words what to set.
"""

import contextlib
from collections.abc import Callable, Mapping

from . import bluesky, facebook, feeds, mastodon, replay, x
from .base import (
    DEFAULT_TIMEOUT,
    REGISTRY,
    AuthError,
    Author,
    ConfigurationError,
    Connector,
    ConnectorError,
    MalformedResponseError,
    Page,
    Post,
    RateLimitError,
    ReplyResult,
    SourceConfig,
    TemporaryError,
    scrub_error,
    typed_error,
)

REPLIERS: dict[str, Callable[..., ReplyResult]] = {
    "x": x.reply,
    "mastodon": mastodon.reply,
    "facebook": facebook.reply,
    "bluesky": bluesky.reply,
}
HIDERS: dict[str, Callable[..., bool]] = {
    "x": x.hide_reply,
    "facebook": facebook.hide_comment,
}

#: the credential keys a write needs, per network and action: any one of the alternatives
WRITE_CREDENTIALS: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {
    "x": {
        "reply": (x.USER_KEYS,),
        "hide": (x.USER_KEYS,),
    },
    "mastodon": {"reply": (("access_token",),)},
    "facebook": {"reply": (("page_access_token",),), "hide": (("page_access_token",),)},
    "bluesky": {"reply": (("identifier", "app_password"), ("access_token",))},
}


def missing_credentials(network_code: str, action: str,
                        credentials: Mapping[str, str] | None) -> tuple[str, ...]:
    """The credential keys ``action`` (``reply``, ``hide``) on ``network_code`` still needs
    (empty when ``credentials`` are enough, or the network has no such write): of the
    alternatives begun, the one closest to complete; none begun: the first (preferred) one."""
    alternatives = WRITE_CREDENTIALS.get(network_code, {}).get(action, ())
    credentials = credentials or {}
    best: tuple[str, ...] = ()
    for keys in alternatives:
        missing = tuple(k for k in keys if not credentials.get(k))
        if not missing:
            return ()
        begun = len(missing) < len(keys)
        if begun and (not best or len(missing) < len(best)):
            best = missing
    if not best and alternatives:
        best = tuple(k for k in alternatives[0] if not credentials.get(k))
    return best


def get_connector(network_code: str, config: SourceConfig, session=None) -> Connector:
    """A connector for ``network_code`` set up with ``config``.

    Raises :class:`ConfigurationError` for an unknown network or a config it cannot use.
    """
    cls = REGISTRY.get((network_code or "").strip().lower())
    if cls is None:
        raise ConfigurationError(
            f"No connector for network {network_code!r} (known: {', '.join(sorted(REGISTRY))})")
    return cls(config, session=session)


def can_reply(network_code: str) -> bool:
    return network_code in REPLIERS


def can_hide(network_code: str) -> bool:
    return network_code in HIDERS


def reply(network_code: str, credentials: Mapping[str, str], in_reply_to_external_id: str,
          text: str, timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
          session=None) -> ReplyResult:
    """Publish ``text`` as a reply to post ``in_reply_to_external_id`` on ``network_code``."""
    replier = REPLIERS.get(network_code)
    if replier is None:
        raise ConfigurationError(f"Replying is not available for network {network_code!r}")
    if not (text or "").strip():
        raise ConfigurationError("A reply needs some text")
    with _typed_errors(network_code, credentials, "reply"):
        return replier(credentials, in_reply_to_external_id, text, timeout,
                       base_url=base_url, session=session)


def resolve_mastodon_status(credentials: Mapping[str, str], uri: str,
                            timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "",
                            session=None) -> str:
    """The id, on the Mastodon instance ``base_url``, of the status of federation URI ``uri``
    (see :func:`.mastodon.resolve_status`)."""
    with _typed_errors("mastodon", credentials, "search"):
        return mastodon.resolve_status(credentials, uri, timeout, base_url=base_url,
                                       session=session)


def hide(network_code: str, credentials: Mapping[str, str], external_id: str,
         timeout: float = DEFAULT_TIMEOUT, *, base_url: str = "", session=None) -> bool:
    """Hide post/comment ``external_id`` (a reply to or a comment on the company's own)."""
    hider = HIDERS.get(network_code)
    if hider is None:
        raise ConfigurationError(f"Hiding is not available for network {network_code!r}")
    with _typed_errors(network_code, credentials, "hide"):
        return hider(credentials, external_id, timeout, base_url=base_url, session=session)


@contextlib.contextmanager
def _typed_errors(network_code: str, credentials: Mapping[str, str] | None, what: str):
    """Only typed ConnectorErrors, without the credentials, leave a reply or a hide (as
    :func:`.base.guard_fetch` does for reading)."""
    secrets = tuple(str(v) for v in (credentials or {}).values() if v)
    try:
        yield
    except Exception as exc:  # every error leaves typed and scrubbed
        raise typed_error(exc, network_code, secrets, f"{what} answer") from None


__all__ = [
    "DEFAULT_TIMEOUT", "HIDERS", "REGISTRY", "REPLIERS", "AuthError", "Author",
    "WRITE_CREDENTIALS", "ConfigurationError", "Connector", "ConnectorError",
    "MalformedResponseError", "Page",
    "Post", "RateLimitError", "ReplyResult", "SourceConfig", "TemporaryError", "can_hide",
    "can_reply", "get_connector", "hide", "missing_credentials", "reply",
    "resolve_mastodon_status",
]
