from django.core.management.base import BaseCommand

from portal import visits
from portal.formatting import format_number


class Command(BaseCommand):
    help = "Save the buffered visitor counts to the database now (also done every few seconds)."

    def handle(self, *args, **options):
        counts = visits.flush()
        if counts is None:
            self.stdout.write("Another process is saving the visitor counts right now.")
            return
        total = sum(count for (_day, name), count in counts.items() if name == "visits")
        views = sum(count for (_day, name), count in counts.items() if name == "page_views")
        self.stdout.write(
            f"Saved {format_number(total)} visits and {format_number(views)} page views."
        )
