"""Give the staff roles their import and export permissions."""

from django.db import migrations

from portal.roles import migrate_roles


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_import_export_permissions")]

    operations = [migrations.RunPython(migrate_roles, migrations.RunPython.noop)]
