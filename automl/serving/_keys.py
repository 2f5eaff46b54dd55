"""An endpoint's two keys (primary and secondary), checked in constant time and never logged."""
from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field

__all__ = ["EndpointKeys"]


def _new_key() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class EndpointKeys:
    """``primary`` and ``secondary`` keys; either authorises a request (Azure's key auth).

    ``repr`` hides them, so that logging the object never shows a key.
    """

    primary: str = field(default_factory=_new_key, repr=False)
    secondary: str = field(default_factory=_new_key, repr=False)

    def accepts(self, token: str) -> bool:
        """Whether ``token`` is one of the keys (compared in constant time)."""
        given = token.encode()
        # both comparisons always run: the time does not say which key matched
        first = hmac.compare_digest(given, self.primary.encode())
        second = hmac.compare_digest(given, self.secondary.encode())
        return bool(token) and (first or second)
