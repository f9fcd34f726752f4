"""Let editors moderate readers' comments."""

from django.db import migrations

from portal.roles import migrate_roles


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_reading")]

    operations = [migrations.RunPython(migrate_roles, migrations.RunPython.noop)]
