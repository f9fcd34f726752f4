"""`make soak`: mixed traffic for a bounded time with PostgreSQL, then Redis, stopped on the way.

Everything runs on loopback with servers of its own: a throwaway PostgreSQL cluster and Redis
server in temporary directories (never the machine's own, which other work may be using), and
gunicorn with the production settings and portal/gunicorn.conf.py. Readers, commune clerks and
district officers (threads, see portal.loadtest.soak_traffic) use the portal; a third of the
way in PostgreSQL is stopped for --outage seconds, two thirds of the way Redis. Afterwards every
save, rating and article view the portal acknowledged is looked for in the database. Prints one
table; exits non-zero when a check fails. Both servers are started again whatever happens, and
removed at the end.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote_plus

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext

from portal.loadtest import soak_checks
from portal.loadtest.servers import Gunicorn, PrivatePostgres, PrivateRedis, machine
from portal.loadtest.soak_traffic import Clerk, Officer, Reader, Results

SEARCHES = ["nông thôn mới", "trạm y tế", "việc làm", "hộ nghèo", "cao su", "chuyển đổi số"]
CLERKS = 8
OFFICERS = 2
OUTAGE_SECONDS = 20


class Command(BaseCommand):
    help = "Mixed traffic with PostgreSQL and Redis stopped on the way; checks nothing is lost."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=600)
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--outage", type=int, default=OUTAGE_SECONDS)
        # The steps run against the soak's own database, in a process of their own.
        parser.add_argument("--prepare", default="", help=argparse.SUPPRESS)
        parser.add_argument("--verify", default="", help=argparse.SUPPRESS)
        parser.add_argument("--expected-page-views", type=int, default=0, help=argparse.SUPPRESS)
        parser.add_argument("--output", default="", help=argparse.SUPPRESS)

    def handle(self, *args, seconds, clients, outage, prepare, verify, **options):
        if prepare:
            return self.prepare(Path(prepare))
        if verify:
            data = json.loads(Path(verify).read_text())
            checks = soak_checks.verify(data, options["expected_page_views"])
            Path(options["output"]).write_text(json.dumps(checks, ensure_ascii=False))
            return None
        if settings.DEBUG:
            raise CommandError("Soak with the production settings: DEBUG=false.")
        if clients < CLERKS + OFFICERS + 1:
            raise CommandError(f"At least {CLERKS + OFFICERS + 1} clients.")
        return self.soak(seconds, clients, min(outage, max(seconds // 6, 1)))

    def prepare(self, path):
        """Fill the soak's database; write what the simulated people need to know."""
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from articles.models import Article, Category
        from indicators.admin_views import entry_url
        from indicators.models import AdministrativeUnit, UnitAssignment
        from portal import roles
        from portal.loadtest import database, datapaths

        database.recreate()
        database.load(articles=200)
        call_command("collectstatic", interactive=False, verbosity=0)
        clerk_group = roles.sync_roles()[roles.COMMUNE_CLERK]
        user_model = get_user_model()
        clerks = []
        for unit in AdministrativeUnit.objects.communes().order_by("order")[:CLERKS]:
            username, password = f"soak.{unit.code}", f"soak-{unit.code}-2026-password"
            user = user_model.objects.create_user(username, password=password, is_staff=True)
            user.groups.add(clerk_group)
            UnitAssignment.objects.create(user=user, unit=unit)
            year, month = datapaths.editable_month(unit)
            values = datapaths.approved_values(unit, year) or datapaths.approved_values(
                unit, year - 4
            )
            clerks.append(
                {
                    "username": username,
                    "password": password,
                    "unit": unit.code,
                    "year": year,
                    "month": month,
                    "url": entry_url(unit, year, month),
                    "values": {str(k): v for k, v in values.items()},
                }
            )
        plan = {
            "articles": list(Article.objects.published().values_list("slug", flat=True)),
            "categories": list(Category.objects.values_list("slug", flat=True)),
            "units": [c["unit"] for c in clerks],
            "searches": [quote_plus(words) for words in SEARCHES],
            "clerks": clerks,
            "officer": {"username": "canbo.huyen", "password": "huyen-demo-2026"},
            "year": timezone.localdate().year,
        }
        path.write_text(json.dumps(plan, ensure_ascii=False))
        return None

    def child(self, env, *args):
        """manage.py soak with ``args`` against the soak's servers."""
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "soak", *args]
        subprocess.run(  # noqa: S603
            command, cwd=settings.BASE_DIR, env={**os.environ, **env}, check=True
        )

    def soak(self, seconds, clients, outage):
        workdir = settings.BASE_DIR / "var" / "soak"
        workdir.mkdir(parents=True, exist_ok=True)
        for old in workdir.glob("*.json"):
            old.unlink()
        (workdir / "server.log").unlink(missing_ok=True)
        header = [
            f"Soak · {timezone.localtime():%d/%m/%Y %H:%M} · {machine()}",
        ]
        postgres, redis = PrivatePostgres(), PrivateRedis()
        try:
            self.stdout.write("Starting a PostgreSQL and a Redis of the soak's own…")
            postgres.init().start()
            redis.start()
            env = {
                "DATABASE_URL": postgres.url("portal_soak"),
                "REDIS_URL": redis.url(0),
                "PROXY_COUNT": "1",  # the simulated readers' addresses in X-Forwarded-For
                "LOG_FORMAT": "json",
                "LOG_LEVEL": "INFO",
            }
            quiet = {**env, "LOG_LEVEL": "WARNING"}
            self.stdout.write("Filling its database (demo district, 200 articles)…")
            self.child(quiet, "--prepare", str(workdir / "plan.json"))
            plan = json.loads((workdir / "plan.json").read_text())
            header.append(
                f"PostgreSQL {postgres.bin.parent.name} and Redis of its own on loopback · "
                f"{clients} clients for {seconds} s · gunicorn portal/gunicorn.conf.py"
            )
            server = Gunicorn("portal.wsgi:application", env=env, log_path=workdir / "server.log")
            try:
                server.start()
                results, faults = self.traffic(
                    plan, server.port, seconds, clients, outage, postgres, redis
                )
            finally:
                # Whatever happened, both servers run again before the portal stops (its
                # workers add the visitor counts they hold as they exit) and the checks.
                if not postgres.is_running():
                    postgres.start()
                if redis.process is None or redis.process.poll() is not None:
                    redis.start()
                server.stop()
            results.dump(workdir / "results.json", faults=faults)
            counted = sum(1 for r in results.records if r.html)
            logged = self.log_counts(workdir / "server.log")
            counted -= logged["uncounted"]
            self.stdout.write("Looking for every acknowledged save, rating and view…")
            self.child(
                quiet,
                "--verify",
                str(workdir / "results.json"),
                "--expected-page-views",
                str(counted),
                "--output",
                str(workdir / "checks.json"),
            )
            checks = json.loads((workdir / "checks.json").read_text())
        finally:
            postgres.destroy()
            redis.destroy()
        checks.update(self.page_503(results))
        records = json.loads((workdir / "results.json").read_text())["records"]
        classified = soak_checks.classify(records, faults)
        classified["server_503_ms"] = self.durations_of_503(workdir / "server.log")
        classified["cache_back_after"] = self.first_hit_after(
            workdir / "server.log", faults["redis"]["started"]
        )
        back = faults["postgres"]["started"]
        classified["saves_after_restart"] = sum(
            1 for save in results.saves if save["acknowledged"] and save["started"] > back
        )
        hits, misses = logged["hit"], logged["miss"]
        share = f" ({hits / (hits + misses):.0%} hits)" if hits + misses else ""
        header.append(f"page cache: {hits:,} hits, {misses:,} misses{share}")
        header.append(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        lines, ok = soak_checks.summary(records, faults, checks, classified, header)
        self.stdout.write("\n".join(["", *lines]))
        if not ok:
            raise CommandError("The soak found problems (see the table).")

    def traffic(self, plan, port, seconds, clients, outage, postgres, redis):
        results, stop = Results(), threading.Event()
        with translation.override("vi"):
            saved = gettext("The figures were saved as a draft.")
        people = []
        for number, account in enumerate(plan["clerks"]):
            people.append(
                Clerk(
                    number, plan, port, results, stop, number, account=account, saved_message=saved
                )
            )
        for number in range(OFFICERS):
            n = CLERKS + number
            people.append(Officer(n, plan, port, results, stop, n, account=plan["officer"]))
        for number in range(CLERKS + OFFICERS, clients):
            people.append(Reader(number, plan, port, results, stop, number))
        faults = {"start": time.time()}
        for person in people:
            person.start()
        self.stdout.write(f"{len(people)} clients for {seconds} s…")
        try:
            self.wait_until(faults["start"] + seconds / 3)
            faults["postgres"] = self.outage("PostgreSQL", postgres.stop, postgres.start, outage)
            self.wait_until(faults["start"] + seconds * 2 / 3)
            faults["redis"] = self.outage("Redis", redis.stop, redis.start, outage)
            self.wait_until(faults["start"] + seconds)
        finally:
            stop.set()
            for person in people:
                person.join(timeout=90)
        return results, faults

    def wait_until(self, moment):
        time.sleep(max(0.0, moment - time.time()))

    def outage(self, name, stop, start, seconds):
        self.stdout.write(f"Stopping {name} for {seconds} s…")
        stopped = time.time()
        try:
            stop()
            time.sleep(seconds)
        finally:
            start()
        started = time.time()
        self.stdout.write(f"{name} is back after {started - stopped:.0f} s")
        return {"stopped": stopped, "started": started}

    def durations_of_503(self, log_path):
        """How long the portal itself took for each 503 (its request log), in ms."""
        durations = []
        with open(log_path, "rb") as log:
            for raw in log:
                if b'"status": 503' not in raw:
                    continue
                try:
                    durations.append(float(json.loads(raw)["duration_ms"]))
                except (ValueError, KeyError, TypeError):
                    continue
        return durations

    def first_hit_after(self, log_path, moment):
        """Seconds from ``moment`` to the first page the page cache served (None: none did)."""
        with open(log_path, "rb") as log:
            for raw in log:
                if self.LOG_MARKERS["hit"] not in raw:
                    continue
                try:
                    stamp = json.loads(raw)["time"]  # local time, as the portal's TIME_ZONE
                    at = time.mktime(time.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S"))
                    at += int(stamp[20:23]) / 1000
                except (ValueError, KeyError, TypeError):
                    continue
                if at >= moment:
                    return at - moment
        return None

    # Lines of the request log counted after the run, by a fragment of each.
    LOG_MARKERS = {
        "hit": b'"page_cache": "hit"',
        "miss": b'"page_cache": "miss"',
        # the visitor statistics could not count a page (Redis away)
        "uncounted": b"a page could not be counted",
    }

    def log_counts(self, log_path):
        """How many lines of the server's log carry each of LOG_MARKERS, in one pass."""
        counts = dict.fromkeys(self.LOG_MARKERS, 0)
        with open(log_path, "rb") as log:
            for raw in log:
                for name, marker in self.LOG_MARKERS.items():
                    if marker in raw:
                        counts[name] += 1
        return counts

    def page_503(self, results):
        sample = results.samples.get(503)
        if sample is None:
            return {"page_503": "no 503 seen", "page_503_ok": False}
        with translation.override("vi"):
            title = gettext("The portal is briefly unavailable")
        ok = title in sample["body"] and sample["retry_after"].isdigit()
        return {
            "page_503": f"«{title}», Retry-After: {sample['retry_after'] or 'missing'}",
            "page_503_ok": ok,
        }
