"""The signed tokens in the links of the emails (``django.core.signing``).

A confirmation token carries the whole subscription (address, language,
choices), so nothing is stored before its owner confirms; it expires after
``CONFIRM_MAX_AGE``. An unsubscribe token names one subscription and does not
expire, so that the link in any email keeps working.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core import signing

CONFIRM_SALT = "statusboard.notifications.confirm"
UNSUBSCRIBE_SALT = "statusboard.notifications.unsubscribe"
CONFIRM_MAX_AGE = datetime.timedelta(days=7)

BadToken = signing.BadSignature  # SignatureExpired is one too.


@dataclass
class Subscription:
    """What a confirmation token asks for."""

    email: str
    language: str = ""
    page_url: str = ""
    service_ids: list[int] = field(default_factory=list)
    group_ids: list[int] = field(default_factory=list)


def make_confirm_token(subscription: Subscription) -> str:
    return signing.dumps(
        {
            "e": subscription.email,
            "l": subscription.language,
            "p": subscription.page_url,
            "s": subscription.service_ids,
            "g": subscription.group_ids,
        },
        salt=CONFIRM_SALT,
        compress=True,
    )


def read_confirm_token(token: str) -> Subscription:
    """The subscription a token asks for; raise BadToken if tampered with or expired."""
    data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    try:
        return Subscription(
            email=str(data["e"]),
            language=str(data["l"]),
            page_url=str(data["p"]),
            service_ids=[int(pk) for pk in data["s"]],
            group_ids=[int(pk) for pk in data["g"]],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BadToken("Malformed token.") from exc


def make_unsubscribe_token(subscriber_id: int, email: str) -> str:
    return signing.dumps([subscriber_id, email], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """The subscriber id and address a token names; raise BadToken if tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    try:
        subscriber_id, email = data
        return int(subscriber_id), str(email)
    except (TypeError, ValueError) as exc:
        raise BadToken("Malformed token.") from exc
