"""Staff roles as Django groups, with the permissions each role needs.

A migration creates the groups (indicators/migrations/0002_roles.py) and later issues add
permissions here; ``sync_roles()`` brings the groups in line and is safe to run at any time.
Group names are data shown to staff, so they are stored in Vietnamese.
"""

COMMUNE_CLERK = "commune_clerk"
DISTRICT_OFFICER = "district_officer"
EDITOR = "editor"
WRITER = "writer"
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
_EXPORT_FIGURES = [
    "indicators.export_achievement",
    "indicators.export_target",
    "indicators.export_monthlyreport",
]

# Writers draft articles and send them to review; editors (publishers) also publish them.
_WRITE_ARTICLES = [
    "articles.view_article",
    "articles.add_article",
    "articles.change_article",
    "articles.view_articleimage",
    "articles.add_articleimage",
    "articles.change_articleimage",
    "articles.delete_articleimage",
    "articles.view_articlefigure",
    "articles.add_articlefigure",
    "articles.change_articlefigure",
    "articles.delete_articlefigure",
    "articles.view_articlerevision",
    "articles.view_category",
    "articles.view_tag",
    "articles.add_tag",
]
_PUBLISH_ARTICLES = [
    *_WRITE_ARTICLES,
    "articles.view_comment",
    "articles.change_comment",
    "articles.delete_comment",
    "articles.view_rating",
    "articles.publish_article",
    "articles.delete_article",
    "articles.add_category",
    "articles.change_category",
    "articles.change_tag",
    "articles.delete_tag",
]

# The portal's own blocks: links, menu, introduction pages, notices, readers' messages.
_SITE_BLOCKS = [
    *(
        f"portal.{action}_{model}"
        for model in ("link", "menuitem", "intropage", "maintenancenotice")
        for action in ("view", "add", "change", "delete")
    ),
    "portal.view_contactmessage",
    "portal.change_contactmessage",
]

ROLES = {
    COMMUNE_CLERK: {
        "name": "Cán bộ xã",
        "permissions": [
            *_READ_FIGURES,
            *_EXPORT_FIGURES,
            "indicators.enter_figures",
            "indicators.import_achievement",
        ],
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
            *_EXPORT_FIGURES,
            "indicators.import_achievement",
            "indicators.import_target",
            "indicators.export_indicator",
            "indicators.export_administrativeunit",
            "indicators.export_figurechange",
        ],
    },
    EDITOR: {
        "name": "Biên tập viên",
        "permissions": [
            *_SITE_BLOCKS,
            "portal.view_dailyvisits",
            *_READ_FIGURES,
            *_EXPORT_FIGURES,
            "indicators.view_all_units",
            *_PUBLISH_ARTICLES,
        ],
    },
    WRITER: {"name": "Người viết bài", "permissions": _WRITE_ARTICLES},
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
            *_EXPORT_FIGURES,
            "indicators.import_achievement",
            "indicators.import_target",
            "indicators.import_indicator",
            "indicators.import_program",
            "indicators.import_administrativeunit",
            "indicators.export_indicator",
            "indicators.export_program",
            "indicators.export_administrativeunit",
            "indicators.export_figurechange",
            "indicators.export_unitassignment",
            "portal.view_sitesettings",
            "portal.change_sitesettings",
            *_SITE_BLOCKS,
            "portal.view_dailyvisits",
            "auth.view_user",
            "auth.add_user",
            "auth.change_user",
            "auth.view_group",
        ],
    },
}


def role_group_name(role):
    return ROLES[role]["name"]


def sync_roles(group_model=None, permission_model=None, strict=True):
    """Create each role's group and give it exactly the role's permissions.

    Takes the models as arguments so that a migration can pass its historical ones; there
    (``strict=False``) a permission that a later migration creates is skipped for now.
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
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is None and strict:
                raise LookupError(f"Permission {dotted} does not exist.")
            if found is not None:
                perms.append(found)
        group.permissions.set(perms)
        groups[role] = group
    return groups


def migrate_roles(apps, schema_editor):
    """For migrations: create any missing permissions, then sync the groups with ROLES."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), strict=False)
