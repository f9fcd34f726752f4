import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.backup import BackupError
from portal.backup_restore import restore_archive
from portal.formatting import format_datetime, format_number


class Command(BaseCommand):
    help = (
        "Load an archive made by export_archive into this empty, migrated portal, with its "
        "media files; nothing is written unless all of it loads (docs/backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive (.zip) written by export_archive")

    def handle(self, *args, path, **options):
        started = time.monotonic()
        try:
            manifest = restore_archive(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        try:
            made = format_datetime(datetime.datetime.fromisoformat(manifest["created_at"]))
        except (KeyError, TypeError, ValueError):
            made = "?"
        self.stdout.write(
            _(
                "Archive of %(date)s restored: %(rows)s rows of %(tables)s tables and "
                "%(files)s media files in %(seconds)s s."
            )
            % {
                "date": made,
                "rows": format_number(sum(entry["rows"] for entry in manifest["models"])),
                "tables": format_number(len(manifest["models"])),
                "files": format_number(manifest["media"]["files"]),
                "seconds": format_number(time.monotonic() - started, 1),
            }
        )
