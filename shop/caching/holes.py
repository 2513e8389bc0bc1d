"""The personal parts of pages that signed-in visitors share.

A catalogue page looks the same to every signed-in visitor except for a few parts: the cart badge,
the account menu, the review invitation, the stock alert and the recently viewed strip. Each such
part has one renderer, registered by name (all of them in `shop/caching/parts.py`), that renders it
from the request alone (and, when the page is rendered for one visitor, from the page's context, which
saves the queries the view already ran). Templates place a part with `{% personal "name" args… %}`
(tag library `personal_tags`).

When `SharedPageCacheMiddleware` renders a page to keep for everyone, `punching(request)` is true and
the tag writes a marker instead of the part; the stored page is then served to each visitor with the
markers replaced by `fill()`, which calls the same renderers. So a shared page and a page rendered for
one visitor are the same HTML, and no visitor's part is ever stored in a shared page.
"""

import contextlib
import re
from collections.abc import Callable

from django.http import HttpRequest

Renderer = Callable[..., str]

_renderers: dict[str, Renderer] = {}

# A marker's arguments are template-made tokens: ids and URL paths (reverse() percent-encodes).
ARGUMENT = re.compile(r"[\w./%:-]*", re.ASCII)
MARKER = re.compile(rb"<!--personal:([a-z_]+)((?: [\w./%:-]*)*)-->")
PUNCH_ATTRIBUTE = "_aidmarket_punch_holes"


def renderer(name: str):
    """Register `function(request, *args, context=None) -> str` as the renderer of part `name`."""

    def register(function: Renderer) -> Renderer:
        _renderers[name] = function
        return function

    return register


def punching(request: HttpRequest | None) -> bool:
    return bool(request is not None and getattr(request, PUNCH_ATTRIBUTE, False))


@contextlib.contextmanager
def punched(request: HttpRequest):
    """Render with markers for the personal parts while the block runs (a fragment everyone shares)."""
    before = getattr(request, PUNCH_ATTRIBUTE, False)
    setattr(request, PUNCH_ATTRIBUTE, True)
    try:
        yield
    finally:
        setattr(request, PUNCH_ATTRIBUTE, before)


def marker(name: str, args: tuple[str, ...]) -> str:
    """The placeholder `fill()` replaces with part `name` (refuses arguments a marker cannot carry)."""
    if name not in _renderers:
        raise KeyError(f"no personal part named {name!r}")
    for argument in args:
        if not ARGUMENT.fullmatch(argument):
            raise ValueError(f"personal part {name!r}: argument {argument!r} cannot be carried in a marker")
    return "<!--personal:" + name + "".join(" " + argument for argument in args) + "-->"


def render(request: HttpRequest, name: str, args: tuple[str, ...], context=None) -> str:
    from shop.caching import personal

    personal.prefetch(request)  # what every part of the page reads, in one round trip
    return _renderers[name](request, *args, context=context)


def fill(request: HttpRequest, content: bytes) -> bytes:
    """`content` with every marker replaced by the requester's own part."""
    if b"<!--personal:" not in content:
        return content

    def part(match: re.Match) -> bytes:
        args = tuple(match[2].decode().split(" ")[1:]) if match[2] else ()
        return render(request, match[1].decode(), args).encode()

    return MARKER.sub(part, content)
