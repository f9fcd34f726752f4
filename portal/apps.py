from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def sync_roles_after_migrate(sender, **kwargs):
    """Keep the staff groups in place after every migrate or test-database flush.

    The roles also come from data migrations, but a flush (transactional tests) empties the
    groups; post_migrate runs once per app, so act on the last app, when every app's
    permissions exist.
    """
    if sender is not list(apps.get_app_configs())[-1]:
        return
    from portal.roles import sync_roles

    sync_roles(strict=False)


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="portal-sync-roles")
        from portal import blocks, pagecache, visits  # noqa: F401 - visits registers its fragment

        blocks.connect()  # the blocks' cache, and when links and notices start or end

        # What every public page shows: the site's settings (header, footer) and its units.
        for model in ("portal.SiteSettings", "indicators.AdministrativeUnit"):
            post_save.connect(pagecache.bump, sender=model, dispatch_uid=f"pages-save-{model}")
            post_delete.connect(pagecache.bump, sender=model, dispatch_uid=f"pages-del-{model}")


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin, titled with the portal's name from its site settings."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"
