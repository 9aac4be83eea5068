"""How a service says a write is refused, by cause: the person's roles do not reach it
(Django's PermissionDenied: 403), or they do but the object is not, or no longer, in a state
that allows it (`WrongState`: the API answers 409 with its message, a page shows it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# The code `WrongState` carries, which survives a ValidationError built from it.
STATE = "state"


class WrongState(ValidationError):
    """Refused because of the object's state (sent twice, decided meanwhile, not yet at
    that step), not because of who asks. A ValidationError, so every page that shows a
    service's refusal shows it too."""

    def __init__(self, message: str | StrPromise):
        super().__init__(message, code=STATE)
