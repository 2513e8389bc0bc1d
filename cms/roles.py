"""CMS roles: the Editors and Reviewers groups and the review workflow every page goes through.

Editors write and submit pages; Reviewers approve (which publishes). Neither group is staff, so
Oscar's dashboard, which requires staff or partner.dashboard_access, refuses both.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITORS = "Editors"
REVIEWERS = "Reviewers"
WORKFLOW_NAME = "Review before publishing"
TASK_NAME = "Reviewers approval"

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
REVIEWER_PAGE_PERMISSIONS = EDITOR_PAGE_PERMISSIONS + ("publish_page",)
MEDIA_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
}
MODEL_PERMISSIONS = (("wagtailadmin", "access_admin"), ("cms", "change_sitenavigation"))


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant(group, *, page_permissions):
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    group.permissions.add(*[_permission(app, codename) for app, codename in MODEL_PERMISSIONS])
    for codename in page_permissions:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root_page, permission=_permission("wagtailcore", codename)
        )
    for app_label, codenames in MEDIA_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=_permission(app_label, codename)
            )


@transaction.atomic
def install() -> tuple[Group, Group]:
    """Create or refresh both groups, their permissions, and the review workflow on the whole tree."""
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    _grant(editors, page_permissions=EDITOR_PAGE_PERMISSIONS)
    _grant(reviewers, page_permissions=REVIEWER_PAGE_PERMISSIONS)

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([reviewers])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=Page.get_first_root_node(), defaults={"workflow": workflow})
    return editors, reviewers
