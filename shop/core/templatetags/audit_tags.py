from django import template

from shop.core import history

register = template.Library()


@register.inclusion_tag("core/_history.html", takes_context=True)
def history_panel(context, rows, *, title="", limit=20, describe=None, exclude="", visible=None):
    """An object's audit trail (who, when, field before → after), shown to those who may read it only.

    `rows` is a historical queryset (`certificate.history.all`); `exclude` a comma-separated list of fields
    not to show; `visible` overrides the staff-only default.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    show = history.can_view(user) if visible is None else bool(visible)
    return {
        "show": show,
        "title": title,
        "trail": (
            history.trail(
                rows, limit=limit, describe=describe, exclude=tuple(filter(None, exclude.split(",")))
            )
            if show
            else None
        ),
        "limit": limit,
    }
