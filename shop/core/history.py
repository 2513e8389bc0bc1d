"""The audit trail as people read it: who changed a record, when, and each field before → after.

Records are kept by django-simple-history (`history = HistoricalRecords()` on a model, the request user
from its middleware). This module turns a historical queryset into entries a page shows. Whatever the
number of rows, it costs the same few queries: the latest rows with each one's predecessor id (one query,
a subquery per row), the predecessors (one query), and one query per foreign-key field to name the
related objects. Pages show the latest `limit` entries, never the whole trail.

Writes that bypass `save()` (`QuerySet.update()`, `bulk_create()`) record nothing unless they go through
simple-history's `bulk_create_with_history` / `bulk_update_with_history`, as the year freeze and the
certificate expiry run do.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import FileField, Model, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
EMPTY = "—"


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    when: datetime.datetime
    who: Model | None
    action: str
    object_id: int
    label: str
    reason: str
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class Trail:
    entries: list[Entry]
    has_more: bool


def describe_by(*names: str):
    """A `describe` for `trail` that names each row by some of its own columns (no query), e.g. the year."""

    def describe(row) -> str:
        return " ".join(str(getattr(row, name)) for name in names)

    describe.do_not_call_in_templates = True  # templates pass it on to history_panel uncalled
    return describe


def can_view(user) -> bool:
    """Who may read an audit trail: staff (reviewers of certificates, payments and targets are staff)."""
    return bool(user and user.is_authenticated and user.is_staff)


def trail(history: QuerySet, *, limit: int = 20, describe=None, exclude: tuple[str, ...] = ()) -> Trail:
    """The latest `limit` changes in a historical queryset, newest first, each with its field changes.

    `describe(row)` names the changed object (for a trail over several objects); it must not query.
    `exclude` names fields not worth showing (large JSON copies of figures shown elsewhere).
    """
    model = history.model
    pk_name = model.instance_type._meta.pk.attname
    previous = (
        model.objects.filter(**{pk_name: OuterRef(pk_name)}, history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    rows = list(
        history.select_related("history_user")
        .annotate(previous_history_id=Subquery(previous))
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    before_ids = [row.previous_history_id for row in rows if row.previous_history_id]
    befores = (
        {row.history_id: row for row in model.objects.filter(history_id__in=before_ids)} if before_ids else {}
    )
    fields = [f for f in model.tracked_fields if f.editable and not f.primary_key and f.name not in exclude]
    names = _related_names(fields, [*rows, *befores.values()])
    entries = []
    for row in rows:
        before = befores.get(row.previous_history_id)
        changes = [
            Change(
                field=_label(f),
                before=_show(f, getattr(before, f.attname), names) if before else EMPTY,
                after=_show(f, getattr(row, f.attname), names),
            )
            for f in fields
            if (before is None and getattr(row, f.attname) not in (None, ""))
            or (before is not None and getattr(before, f.attname) != getattr(row, f.attname))
        ]
        if row.history_type == "~" and before is not None and not changes:
            continue  # only untracked columns (timestamps, notice flags) changed
        entries.append(
            Entry(
                when=row.history_date,
                who=row.history_user,
                action=str(ACTIONS.get(row.history_type, row.history_type)),
                object_id=getattr(row, pk_name),
                label=describe(row) if describe else "",
                reason=row.history_change_reason or "",
                changes=changes if row.history_type != "-" else [],
            )
        )
    return Trail(entries=entries, has_more=has_more)


def _related_names(fields, rows) -> dict:
    """{(field name, id): label} for every foreign key value in the rows: one query per foreign key."""
    names = {}
    for f in fields:
        if not f.is_relation:
            continue
        ids = {getattr(row, f.attname) for row in rows} - {None}
        if ids:
            for obj in f.related_model._default_manager.filter(pk__in=ids):
                names[(f.name, obj.pk)] = str(obj)
    return names


def _label(f) -> str:
    # A foreign key named only by its attribute ("organisation") reads as its model's translated name.
    if f.is_relation and f.verbose_name == f.name.replace("_", " "):
        return str(f.related_model._meta.verbose_name)
    return str(f.verbose_name)


def _show(f, value, names) -> str:
    if value is None or value == "":
        return EMPTY
    if f.is_relation:
        return names.get((f.name, value), f"#{value}")
    if isinstance(f, FileField):
        return str(_("A file"))  # never the storage name: private files are served by a checked view only
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)
