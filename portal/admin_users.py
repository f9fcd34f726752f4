"""Staff accounts in the admin: only a superuser makes superusers or grants single permissions."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

User = get_user_model()


class StaffUserAdmin(UserAdmin):
    """Staff accounts and their roles; superusers and single permissions for superusers only."""

    # An administrator who is not a superuser gives staff their accounts and roles (groups)
    # but cannot make anyone a superuser, grant single permissions or touch a superuser's
    # account (its password included): otherwise the role would be a superuser in all but name.

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
