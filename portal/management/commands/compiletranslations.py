from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Compile the project's .po catalogues to .mo with polib, so that a fresh machine "
        "needs no GNU gettext (Django's compilemessages does)."
    )

    def handle(self, *args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                try:
                    catalogue = polib.pofile(str(po_path))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
                self.stdout.write(
                    f"{po_path}: {catalogue.percent_translated()}% translated, "
                    f"{len(catalogue.fuzzy_entries())} fuzzy"
                )
        if not count:
            raise CommandError("No .po catalogue found under LOCALE_PATHS.")
