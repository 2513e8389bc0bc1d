from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.offers import wizard_views as oscar_wizard_views

ConditionalOffer = oscar_wizard_views.ConditionalOffer

# Oscar titles each step with its identifier (step_name.title()), which no catalogue can translate.
STEP_TITLES = {
    "metadata": _("Metadata"),
    "benefit": _("Benefit"),
    "condition": _("Condition"),
    "restrictions": _("Restrictions"),
}


def step_title(step_name: str) -> str:
    return str(STEP_TITLES.get(step_name, step_name.title()))


class OfferWizardStepView(oscar_wizard_views.OfferWizardStepView):
    def dispatch(self, request, *args, **kwargs):
        """Oscar's check that the previous step is done, naming that step in the active language."""
        if self.update:
            self.offer = get_object_or_404(ConditionalOffer, id=kwargs["pk"])
        if not self.is_previous_step_complete(request):
            messages.warning(
                request, gettext("%s step not complete") % step_title(self.previous_view.step_name)
            )
            return HttpResponseRedirect(reverse(self.previous_view.url_name))
        return super(oscar_wizard_views.OfferWizardStepView, self).dispatch(request, *args, **kwargs)

    def get_title(self):
        return step_title(self.step_name)
