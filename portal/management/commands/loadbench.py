"""`make bench`, first part: the public pages under load and the staff's heavy paths.

On a database of its own (DATABASE_URL, e.g. portal_bench; --recreate drops and refills it
with the demo district and generated articles), with the production settings the environment
gives (DEBUG off, REDIS_URL). Writes its results as JSON for `manage.py bench`, which prints
them with the imports and exports in one table; prints that table itself when run alone.
"""

import json
import os
import time
from pathlib import Path
from urllib.parse import quote_plus

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from articles.models import Article
from portal.loadtest import database, datapaths, report
from portal.loadtest.pages import measure_pages
from portal.loadtest.servers import machine

SEARCH = "nông thôn mới"


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def versions():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0] if connection.vendor == "postgresql" else "(not used)"
    redis = "(not used: the cache is this process's memory)"
    if getattr(settings, "REDIS_URL", None):
        redis = cache._cache.get_client().info("server")["redis_version"]
    return postgres, redis


class Command(BaseCommand):
    help = "Measure the public pages under load and the staff's heavy paths (see make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--recreate", action="store_true", help="drop and refill the database")
        parser.add_argument("--articles", type=int, default=500)
        parser.add_argument("--seconds", type=int, default=10, help="of each loaded wrk run")
        parser.add_argument("--output", default="", help="write the results here as JSON")
        parser.add_argument("--skip-pages", action="store_true")
        parser.add_argument("--skip-data", action="store_true")

    def handle(self, *args, recreate, articles, seconds, output, skip_pages, skip_data, **opts):
        if settings.DEBUG:
            raise CommandError("Measure with the production settings: DEBUG=false.")
        workdir = settings.BASE_DIR / "var" / "bench"
        workdir.mkdir(parents=True, exist_ok=True)
        if recreate:
            started = time.perf_counter()
            database.recreate()
            database.load(articles)
            call_command("collectstatic", interactive=False, verbosity=0)
            self.stdout.write(f"Database filled in {time.perf_counter() - started:.0f} s")
        cache.clear()
        postgres, redis = versions()
        result = {
            "date": f"{timezone.localtime():%d/%m/%Y %H:%M}",
            "machine": machine(),
            "postgres": postgres,
            "redis": redis,
            "load_before": load_average(),
        }
        if not skip_pages:
            result["pages"] = self.pages(workdir, seconds)
        if not skip_data:
            self.stdout.write("Staff paths: a month's save, the district reports")
            result["data"] = [datapaths.entry_save(), *datapaths.district_reports()]
        result["load_after"] = load_average()
        if output:
            Path(output).write_text(json.dumps(result, ensure_ascii=False, indent=1))
        else:
            self.stdout.write("\n".join(["", *report.table(result)]))

    def pages(self, workdir, seconds):
        article = (
            Article.objects.published().filter(featured=True).order_by("-publish_at").first()
            or Article.objects.published().order_by("-publish_at").first()
        )
        if article is None:
            raise CommandError("No published article: run with --recreate.")
        pages = {
            "home": "/",
            "article": article.get_absolute_url(),
            "results": "/ket-qua/",
            "search": f"/tim-kiem/?q={quote_plus(SEARCH)}",
        }
        self.stdout.write(f"Pages: {pages}")
        # The servers log one JSON line per request: the database time of each is read there.
        env = {"LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}
        runs, server = measure_pages(
            pages, env=env, workdir=workdir, seconds=seconds, log=self.stdout.write
        )
        return {"runs": report.runs_as_dicts(runs), "server": server, "seconds": seconds}
