"""Give the writer and editor roles their article permissions."""

from django.db import migrations

from portal.roles import migrate_roles


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("indicators", "0004_roles_import_export"),
    ]

    operations = [migrations.RunPython(migrate_roles, migrations.RunPython.noop)]
