from django.contrib import admin

from indicators.models import AdministrativeUnit


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["full_name", "code", "kind", "parent", "order", "is_active"]
    list_filter = ["kind", "is_active"]
    list_editable = ["order", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    ordering = ["parent__order", "order", "name"]
