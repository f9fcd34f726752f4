"""Create the staff roles (groups with their permissions)."""

from django.db import migrations

from portal.roles import migrate_roles


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_initial"),
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migrate_roles, migrations.RunPython.noop)]
