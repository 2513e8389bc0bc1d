"""The shop's domain exceptions: a business rule refused a request, with a message for the person who asked.

Domain functions (``approvals.approve``, ``fulfilment.mark_shipped``, ``snapshots.freeze_year`` …) raise one of
these with a lazily translated message (``gettext_lazy``), so the message is rendered in the language of the
request that shows it, not of the code that raised it. Views catch :class:`DomainError` (or the kind they treat
differently, e.g. :class:`NotPermitted` as a 403) and show ``error.message``; nothing is changed when one is
raised, because every domain function checks its rule before it writes.

The kinds say why the request was refused, so a view can answer differently without parsing text:

- :class:`NotPermitted`: this user may not do this (to this object).
- :class:`InvalidInput`: a value given is missing or unacceptable; correcting the form fixes it.
- :class:`InvalidState`: the object is not in a state that allows this (any more, or yet).
- :class:`LimitExceeded`: doing this would go over a limit (an amount, a quantity, a count).
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the request; ``message`` is for the user and ``code`` for the program."""

    default_message = _("This action is not allowed.")
    default_code = "not_allowed"

    def __init__(self, message: str | Promise | None = None, *, code: str | None = None):
        self.message = self.default_message if message is None else message
        self.code = code or self.default_code
        super().__init__(self.message, self.code)

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.message)!r}, code={self.code!r})"


class NotPermitted(DomainError):
    default_message = _("You are not allowed to do this.")
    default_code = "not_permitted"


class InvalidInput(DomainError):
    default_message = _("Please correct the values given.")
    default_code = "invalid"


class InvalidState(DomainError):
    default_message = _("This cannot be done in the current state.")
    default_code = "invalid_state"


class LimitExceeded(DomainError):
    default_message = _("This would exceed the limit.")
    default_code = "limit_exceeded"
