from django.core.management.base import BaseCommand

from portal.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo district, its communes and demo staff accounts (safe to run again)."

    def handle(self, *args, **options):
        accounts = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Staff logins (/admin/):"))
        for account, is_new in accounts:
            note = "" if is_new else "  (existing account: its password was kept)"
            self.stdout.write(
                f"  {account.username:<14} {account.password:<20} {account.description}{note}"
            )
