"""A test's transaction never commits, so work queued with transaction.on_commit (mail, job queueing)
would never run. These helpers run it where the real transaction would have committed."""

from django.test import Client, TestCase


def committed():
    """Run the on-commit callbacks the block registers when it ends, as a commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


class CommittingClient(Client):
    """A test client whose every request ends like a real one: its transaction commits (callbacks run)."""

    def request(self, **request):
        with committed():
            return super().request(**request)
