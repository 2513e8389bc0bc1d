"""Watching background jobs: the owner's progress page and JSON, the result download, the staff list."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from shop.core import exports, jobs
from shop.core.models import Job


def export_or_queue(request, *, export_kind: str, fmt: str, rows: int, download, **arguments):
    """An export view's answer: up to SYNCHRONOUS_EXPORT_ROWS rows, `download()` at once; beyond, a page
    whose button (a POST to the same address) queues the export job `export_kind` and leads to its progress."""
    if fmt not in exports.FORMATS:
        raise Http404
    if rows <= jobs.SYNCHRONOUS_EXPORT_ROWS:
        return download()
    if request.method != "POST":
        return TemplateResponse(
            request,
            "core/export_queue.html",
            {"kind_label": jobs.kind_label(export_kind), "rows": rows, "format": fmt.upper()},
        )
    try:
        job = jobs.start_export(export_kind, requested_by=request.user, fmt=fmt, **arguments)
        jobs.check_queued(job)
    except jobs.QueueUnavailable as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(request.get_full_path())
    return HttpResponseRedirect(reverse("jobs:progress", kwargs={"pk": job.pk}))


class OwnJobMixin(LoginRequiredMixin):
    """A job is seen by whoever asked for it and by staff; anyone else gets a 404, as if it did not exist."""

    def get_job(self) -> Job:
        return get_object_or_404(Job.objects.visible_to(self.request.user), pk=self.kwargs["pk"])


class JobProgressView(OwnJobMixin, generic.TemplateView):
    template_name = "core/job_progress.html"

    def get_context_data(self, **kwargs):
        job = self.get_job()
        return super().get_context_data(
            job=job, kind_label=jobs.kind_label(job.kind), progress=jobs.progress(job), **kwargs
        )


class JobProgressJsonView(OwnJobMixin, generic.View):
    def get(self, request, pk):
        return JsonResponse(jobs.progress(self.get_job()), json_dumps_params={"ensure_ascii": False})


class JobFileView(OwnJobMixin, generic.View):
    """The job's result file, as a download, while it has not expired."""

    def get(self, request, pk):
        job = self.get_job()
        if not job.has_file or not job.result_file.storage.exists(job.result_file.name):
            raise Http404
        response = FileResponse(
            job.result_file.open("rb"), as_attachment=True, filename=job.result_file.name.rsplit("/", 1)[-1]
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


class StaffRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_active and self.request.user.is_staff


class JobListView(StaffRequiredMixin, generic.ListView):
    """Operators' view of the queue: recent jobs, newest first, failed ones retryable."""

    template_name = "core/dashboard/job_list.html"
    context_object_name = "jobs"
    paginate_by = 50

    def get_queryset(self):
        queryset = Job.objects.recent()
        state = self.request.GET.get("state")
        if state in Job.State.values:
            queryset = queryset.filter(state=state)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for job in context["jobs"]:
            job.kind_label = jobs.kind_label(job.kind)
        context["states"] = Job.State.choices
        context["startable"] = jobs.startable_by_staff()
        context["state"] = self.request.GET.get("state", "")
        return context


class JobRetryView(StaffRequiredMixin, generic.View):
    def post(self, request, pk):
        job = get_object_or_404(Job, pk=pk)
        try:
            jobs.retry(job)
        except (jobs.NotRetryable, jobs.QueueUnavailable) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Job %(id)s was queued again.") % {"id": job.pk})
        return HttpResponseRedirect(reverse("jobs-dashboard:list"))


class JobStartView(StaffRequiredMixin, generic.View):
    """Operators start a job that takes no arguments (the search index check) and watch it run."""

    def post(self, request):
        kind = next((k for k in jobs.startable_by_staff() if k.name == request.POST.get("kind")), None)
        if kind is None:
            messages.error(request, _("This kind of job cannot be started here."))
            return HttpResponseRedirect(reverse("jobs-dashboard:list"))
        job = jobs.start(kind.name, requested_by=request.user)
        return HttpResponseRedirect(reverse("jobs:progress", kwargs={"pk": job.pk}))
