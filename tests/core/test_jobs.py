"""Background jobs in eager mode: running, progress, all-or-nothing failure, retries, redelivery,
the owner's progress page and download, the operators' list, and a broker that cannot be reached."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.core import jobs
from shop.core.models import Job
from tests import factories
from tests.commit import CommittingClient, committed
from tests.core import job_kinds

Partner = get_model("partner", "Partner")
pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return CommittingClient()


@pytest.fixture
def other_user(db):
    return factories.UserFactory(username="other", email="other@example.cn")


def start(kind="tests.create_partners", user=None, **arguments):
    with committed():
        job = jobs.start(kind, requested_by=user, **arguments)
    job.refresh_from_db()
    return job


def test_a_job_runs_after_commit_and_records_progress_result_and_file(consumer):
    with committed():
        job = jobs.start("tests.create_partners", requested_by=consumer, count=3, prefix="甲")
        assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED  # nothing runs before the commit

    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert (job.done, job.total, job.attempts) == (3, 3, 1)
    assert job.result == {"created": 3}
    assert job.started_at <= job.finished_at
    assert job.has_file and job.expires_at > job.finished_at
    assert Partner.objects.filter(name__startswith="甲").count() == 3


def test_a_failing_job_writes_nothing_and_keeps_its_error():
    job = start(count=5, prefix="乙", fail_at=3)

    assert job.state == Job.State.FAILED
    assert "row 3 is not valid" in job.error
    assert not Partner.objects.filter(name__startswith="乙").exists()
    assert job.attempts == 1  # a job's own error is not retried


def test_transient_errors_are_retried_until_the_job_succeeds():
    job = start("tests.flaky", failures=2)

    assert job.state == Job.State.SUCCEEDED
    assert job.attempts == 3
    assert job.result == {"attempts": 3}


def test_transient_errors_beyond_the_retries_fail_the_job():
    job = start("tests.flaky", failures=5)

    assert job.state == Job.State.FAILED
    assert job.attempts == 3  # the first run and max_retries=2
    assert "ConnectionError" in job.error


def test_a_redelivered_task_of_a_finished_job_does_nothing():
    job = start(count=2, prefix="丙")

    job_kinds.create_partners.delay(job.pk)  # the broker delivers the same message again

    job.refresh_from_db()
    assert job.attempts == 1
    assert Partner.objects.filter(name__startswith="丙").count() == 2


def test_a_job_found_running_was_interrupted_and_starts_over():
    job = Job.objects.create(kind="tests.create_partners", arguments={"count": 2, "prefix": "丁"})
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, attempts=1, done=1)  # its worker died

    job_kinds.create_partners.delay(job.pk)

    job.refresh_from_db()
    assert (job.state, job.attempts, job.done) == (Job.State.SUCCEEDED, 2, 2)
    assert Partner.objects.filter(name__startswith="丁").count() == 2


def test_owner_and_staff_see_the_progress_others_get_404(client, consumer, staff_user, other_user):
    job = start(user=consumer, count=2, prefix="戊")
    urls = [
        reverse("jobs:progress", kwargs={"pk": job.pk}),
        reverse("jobs:progress-json", kwargs={"pk": job.pk}),
        reverse("jobs:file", kwargs={"pk": job.pk}),
    ]

    client.force_login(other_user)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.logout()
    assert all(client.get(url).status_code == 302 for url in urls)  # to the login page

    for user in (consumer, staff_user):
        client.force_login(user)
        page, progress, download = (client.get(url) for url in urls)
        assert page.status_code == 200
        assert "progress.json" in page.content.decode()
        assert progress.json() | {"result": None} == progress.json() | {
            "state": "succeeded",
            "done": 2,
            "total": 2,
            "percent": 100,
            "finished": True,
            "has_file": True,
            "result": None,
        }
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment")
        assert b"".join(download.streaming_content) == b"created,2\n"


def test_progress_is_visible_while_the_job_writes_inside_its_transaction(client, consumer):
    seen = []

    def spy(job, *, done, total=None):
        original(job, done=done, total=total)
        if done == 2:
            seen.append(client.get(reverse("jobs:progress-json", kwargs={"pk": job.pk})).json())

    original = jobs.report
    client.force_login(consumer)
    jobs.report = spy
    try:
        start(user=consumer, count=4, prefix="己")
    finally:
        jobs.report = original

    assert seen[0]["state"] == "running"
    assert (seen[0]["done"], seen[0]["total"], seen[0]["percent"]) == (2, 4, 50)


def test_an_expired_result_file_is_no_longer_served_and_is_deleted(client, consumer):
    job = start(user=consumer, count=1, prefix="庚")
    Job.objects.filter(pk=job.pk).update(expires_at=job.finished_at)  # already past
    client.force_login(consumer)

    assert client.get(reverse("jobs:file", kwargs={"pk": job.pk})).status_code == 404
    assert jobs.delete_expired_files() == 1
    job.refresh_from_db()
    assert not job.result_file


def test_the_jobs_page_is_staff_only_and_lists_jobs_with_a_retry_for_failed_ones(
    client, consumer, staff_user
):
    failed = start(user=consumer, count=2, prefix="辛", fail_at=1)
    succeeded = start(count=1, prefix="壬")

    client.force_login(consumer)
    assert client.get(reverse("jobs-dashboard:list")).status_code in (302, 403)
    response = client.post(reverse("jobs-dashboard:retry", kwargs={"pk": failed.pk}))
    assert response.status_code in (302, 403) and Job.objects.get(pk=failed.pk).state == Job.State.FAILED

    client.force_login(staff_user)
    page = client.get(reverse("jobs-dashboard:list")).content.decode()
    assert "consumer@example.cn" in page and "row 1 is not valid" in page
    assert reverse("jobs-dashboard:retry", kwargs={"pk": failed.pk}) in page
    assert reverse("jobs-dashboard:retry", kwargs={"pk": succeeded.pk}) not in page

    Job.objects.filter(pk=failed.pk).update(arguments={"count": 2, "prefix": "辛"})  # the data was fixed
    response = client.post(reverse("jobs-dashboard:retry", kwargs={"pk": failed.pk}), follow=True)

    failed.refresh_from_db()
    assert failed.state == Job.State.SUCCEEDED and failed.attempts == 2
    assert "已重新排队" in response.content.decode()
    again = client.post(reverse("jobs-dashboard:retry", kwargs={"pk": failed.pk}), follow=True)
    assert "只有失败的任务可以重试" in again.content.decode()


def test_staff_can_start_the_search_index_check_and_watch_it(client, staff_user, consumer):
    client.force_login(consumer)
    refused = client.post(reverse("jobs-dashboard:start"), {"kind": "search.check_index"})
    assert refused.status_code in (302, 403) and not Job.objects.exists()

    client.force_login(staff_user)
    not_offered = client.post(reverse("jobs-dashboard:start"), {"kind": "tests.create_partners"}, follow=True)
    assert not Job.objects.exists() and "不能在这里启动" in not_offered.content.decode()

    response = client.post(reverse("jobs-dashboard:start"), {"kind": "search.check_index"})

    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:progress", kwargs={"pk": job.pk})
    assert job.state == Job.State.SUCCEEDED and job.requested_by == staff_user
    assert set(job.result) == {"checked", "repaired", "missing_in_elasticsearch"}


def test_broker_outage_when_starting_a_job_shows_a_clear_message(client, staff_user, closed_broker):
    client.force_login(staff_user)

    response = client.post(reverse("jobs-dashboard:start"), {"kind": "search.check_index"}, follow=True)

    assert response.status_code == 200
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert "后台队列暂时无法连接" in response.content.decode()  # the progress page says what happened


def test_broker_outage_when_retrying_shows_a_clear_message(client, staff_user, request):
    failed = start(count=1, prefix="癸", fail_at=1)
    client.force_login(staff_user)
    request.getfixturevalue("closed_broker")

    response = client.post(reverse("jobs-dashboard:retry", kwargs={"pk": failed.pk}), follow=True)

    assert response.status_code == 200
    assert "后台队列暂时无法连接" in response.content.decode()
    assert Job.objects.get(pk=failed.pk).state == Job.State.FAILED  # still retryable later
