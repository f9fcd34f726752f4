"""Staff roles as Django groups, with the permissions each role needs.

A migration creates the groups (indicators/migrations/0002_roles.py) and later issues add
permissions here; ``sync_roles()`` brings the groups in line and is safe to run at any time.
Group names are data shown to staff, so they are stored in Vietnamese.
"""

COMMUNE_CLERK = "commune_clerk"
DISTRICT_OFFICER = "district_officer"
EDITOR = "editor"
ADMINISTRATOR = "administrator"

_READ_FIGURES = [
    "indicators.view_administrativeunit",
    "indicators.view_program",
    "indicators.view_indicator",
    "indicators.view_target",
    "indicators.view_monthlyreport",
    "indicators.view_achievement",
    "indicators.view_figurechange",
]

ROLES = {
    COMMUNE_CLERK: {
        "name": "Cán bộ xã",
        "permissions": [*_READ_FIGURES, "indicators.enter_figures"],
    },
    DISTRICT_OFFICER: {
        "name": "Cán bộ huyện",
        "permissions": [
            *_READ_FIGURES,
            "indicators.enter_figures",
            "indicators.approve_figures",
            "indicators.view_all_units",
            "indicators.add_target",
            "indicators.change_target",
            "indicators.delete_target",
            "indicators.change_monthlyreport",
            "indicators.view_unitassignment",
        ],
    },
    EDITOR: {
        "name": "Biên tập viên",
        "permissions": [*_READ_FIGURES, "indicators.view_all_units"],
    },
    ADMINISTRATOR: {
        "name": "Quản trị viên",
        "permissions": [
            *_READ_FIGURES,
            "indicators.view_all_units",
            "indicators.enter_figures",
            "indicators.approve_figures",
            "indicators.add_administrativeunit",
            "indicators.change_administrativeunit",
            "indicators.add_program",
            "indicators.change_program",
            "indicators.add_indicator",
            "indicators.change_indicator",
            "indicators.add_target",
            "indicators.change_target",
            "indicators.delete_target",
            "indicators.change_monthlyreport",
            "indicators.add_unitassignment",
            "indicators.change_unitassignment",
            "indicators.delete_unitassignment",
            "indicators.view_unitassignment",
            "portal.view_sitesettings",
            "portal.change_sitesettings",
            "auth.view_user",
            "auth.add_user",
            "auth.change_user",
            "auth.view_group",
        ],
    },
}


def role_group_name(role):
    return ROLES[role]["name"]


def sync_roles(group_model=None, permission_model=None):
    """Create each role's group and give it exactly the role's permissions.

    Takes the models as arguments so that a migration can pass its historical ones.
    """
    if group_model is None:
        from django.contrib.auth.models import Group, Permission

        group_model, permission_model = Group, Permission
    groups = {}
    for role, spec in ROLES.items():
        group, _created = group_model.objects.get_or_create(name=spec["name"])
        perms = []
        for dotted in spec["permissions"]:
            app_label, codename = dotted.split(".")
            perms.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(perms)
        groups[role] = group
    return groups
