from django import forms

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from core.forms import GovukModelForm
from forces.models import Force


class ForceMonitoringForm(GovukModelForm):
    class Meta:
        model = Force
        fields = ["staff_lead", "monitoring_stage"]
        labels = {"staff_lead": "Staff lead", "monitoring_stage": "Monitoring stage"}
        help_texts = {
            "staff_lead": "The member of inspectorate staff who leads on this force. They are emailed every escalation.",
            "monitoring_stage": "Engage is enhanced monitoring, with a police performance oversight group.",
        }
        widgets = {"monitoring_stage": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_lead"].queryset = User.objects.filter(
            is_active=True, groups__name=GROUP_NAMES[Role.STAFF]
        ).order_by("last_name", "first_name")
        self.fields["staff_lead"].empty_label = "No staff lead"
