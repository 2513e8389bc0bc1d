"""Background jobs people wait for, and the outgoing mail the shop sends: both survive a worker's death."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def private_storage():
    """Result files are private: served only by a permission-checked view, never under MEDIA_URL."""
    from shop.core.files import PrivateStorage

    return PrivateStorage()


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every job; anyone else only the jobs they asked for."""
        if user.is_staff:
            return self
        return self.filter(requested_by=user) if user.is_authenticated else self.none()

    def recent(self):
        return self.select_related("requested_by").order_by("-created_at")


class Job(models.Model):
    """One run of a task somebody (or the scheduler) asked for, with its progress and outcome."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    arguments = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", storage=private_storage, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Jobs sharing a key exclude each other while queued or running (one catalogue import per seller).
    exclusive_key = models.CharField(max_length=100, blank=True, default="")
    language = models.CharField(max_length=15, blank=True, default="")  # the requester's, for messages

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["exclusive_key"],
                condition=models.Q(state__in=["queued", "running"]) & ~models.Q(exclusive_key=""),
                name="one_unfinished_job_per_exclusive_key",
            )
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def has_file(self) -> bool:
        return bool(self.result_file) and (self.expires_at is None or self.expires_at > timezone.now())

    def expire_in(self, days: int) -> None:
        self.expires_at = timezone.now() + datetime.timedelta(days=days)


class OutgoingMail(models.Model):
    """A rendered e-mail waiting to be sent, or sent. Written in the transaction that caused it, so a
    rolled-back change sends nothing; its key makes queueing it twice, or delivering it twice, a no-op."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=200, unique=True)
    template = models.CharField(max_length=200)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html = models.TextField(blank=True)
    from_email = models.CharField(max_length=254)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.template} to {', '.join(self.recipients)} ({self.state})"
