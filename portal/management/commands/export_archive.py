import time

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.backup import BackupError, export_archive
from portal.formatting import format_number


class Command(BaseCommand):
    help = (
        "Write every row of content, figures, settings and accounts, and the media files they "
        "use, to one portable .zip archive (docs/backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive to write, or a directory for a dated one")

    def handle(self, *args, path, **options):
        started = time.monotonic()
        try:
            path, manifest = export_archive(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Archive written: %(path)s (%(size)s): %(rows)s rows of %(tables)s tables and "
                "%(files)s media files in %(seconds)s s."
            )
            % {
                "path": path,
                "size": filesizeformat(path.stat().st_size),
                "rows": format_number(sum(entry["rows"] for entry in manifest["models"])),
                "tables": format_number(len(manifest["models"])),
                "files": format_number(manifest["media"]["files"]),
                "seconds": format_number(time.monotonic() - started, 1),
            }
        )
        for name in manifest["media"]["missing"]:
            self.stderr.write(
                _("Not in the media storage, so not in the archive: %(name)s") % {"name": name}
            )
