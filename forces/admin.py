from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from forces.models import Force, LiaisonMembership


class LiaisonInline(admin.TabularInline):
    model = LiaisonMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Force)
class ForceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "region", "country", "monitoring_stage", "active_until", "successor"]
    list_filter = ["kind", "region", "country", "monitoring_stage"]
    search_fields = ["name", "region"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["successor"]
    inlines = [LiaisonInline]


@admin.register(LiaisonMembership)
class LiaisonMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "force", "created_at"]
    list_filter = ["force__kind", "force__region"]
    search_fields = ["user__username", "user__last_name", "force__name"]
    autocomplete_fields = ["user", "force"]
    list_select_related = ["user", "force"]
