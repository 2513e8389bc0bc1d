from django.core.management.base import BaseCommand

from cms import roles


class Command(BaseCommand):
    help = "Create or refresh the Editors and Reviewers groups and the review-before-publishing workflow."

    def handle(self, *args, **options):
        editors, reviewers = roles.install()
        self.stdout.write(
            self.style.SUCCESS(
                f"Groups ready: {editors.name}, {reviewers.name}; workflow: {roles.WORKFLOW_NAME}"
            )
        )
