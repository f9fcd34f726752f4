"""Staff roles as Django groups, with the permissions each role needs.

Later issues add permissions here; ``sync_roles()`` brings the groups in line and is safe to run
again at any time.
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

COMMUNE_CLERK = "commune_clerk"
DISTRICT_OFFICER = "district_officer"
EDITOR = "editor"

ROLES = {
    COMMUNE_CLERK: {
        "name": _("Commune clerks"),
        "permissions": ["indicators.view_administrativeunit"],
    },
    DISTRICT_OFFICER: {
        "name": _("District officers"),
        "permissions": ["indicators.view_administrativeunit"],
    },
    EDITOR: {
        "name": _("Editors"),
        "permissions": [],
    },
}


def role_group_name(role):
    """The group's name as staff see it in the admin (in Vietnamese)."""
    return str(ROLES[role]["name"])


def sync_roles():
    """Create each role's group and give it exactly the role's permissions."""
    groups = {}
    for role, spec in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role_group_name(role))
        perms = []
        for dotted in spec["permissions"]:
            app_label, codename = dotted.split(".")
            perms.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(perms)
        groups[role] = group
    return groups
