"""The load tools' own database: dropped, created, migrated and filled like a real portal."""

import random
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

WORDS = (
    "nông thôn mới",
    "giải quyết việc làm",
    "trạm y tế",
    "học sinh",
    "đường giao thông",
    "cao su",
    "điều",
    "hồ tiêu",
    "hộ nghèo",
    "bảo hiểm y tế",
    "chuyển đổi số",
    "dịch vụ công",
    "tiêm chủng",
    "an ninh trật tự",
    "phòng cháy",
    "thủy lợi",
    "mùa khô",
    "hội nghị",
    "khen thưởng",
    "biên giới",
)
VERBS = ("hoàn thành", "triển khai", "rà soát")


def recreate(alias="default"):
    """Drop and create the database named by DATABASE_URL, then migrate it.

    Only a database whose name says it is for the load tools ("bench" or "soak") is dropped.
    """
    connection = connections[alias]
    name = str(connection.settings_dict["NAME"])
    if "bench" not in Path(name).name and "soak" not in Path(name).name:
        raise CommandError(f"Refusing to drop {name!r}: its name must contain bench or soak.")
    connection.close()
    if connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        params = connection.get_connection_params()
        params.pop("pool", None)
        params["dbname"] = "postgres"
        if getattr(connection, "pool", None) is not None:
            connection.close_pool()
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", interactive=False, verbosity=0)


def load(articles=500):
    """The demo district, then ``articles`` more published news over the two years before."""
    from articles.models import Article, Category
    from portal.demo import load_demo

    load_demo()
    rng = random.Random(8)  # noqa: S311 - the same articles on every run
    categories = list(Category.objects.all())
    latest = Article.objects.order_by("publish_at").values_list("publish_at", flat=True).first()
    start = (latest or timezone.now()) - timedelta(days=1)
    for number in range(articles):
        words = rng.sample(WORDS, 4)
        paragraphs = [
            " ".join(
                f"Về {rng.choice(WORDS)}, xã đã {rng.choice(VERBS)} kế hoạch tháng "
                f"{rng.randint(1, 12)} với {rng.randint(2, 900)} hộ tham gia."
                for _ in range(4)
            )
            for _ in range(5)
        ]
        article = Article(
            title=f"{words[0].capitalize()} và {words[1]}: tin số {number + 1}",
            lead=f"Tin về {words[2]} và {words[3]} của huyện.",
            body="".join(f"<p>{text}</p>" for text in paragraphs),
            status=Article.Status.PUBLISHED,
            publish_at=start - timedelta(hours=(number + 1) * 30),
        )
        article.save()
        article.categories.set([categories[number % len(categories)]])
    analyze()


def analyze(alias="default"):
    """Planner statistics for the freshly filled tables, as autovacuum would gather them a
    little later on a portal in use (and as PostgreSQL advises after any bulk load): measured
    before it, a query plans for empty tables (a sequential scan and a nested loop over every
    article, 1.3 ms for a related-articles query that takes 0.15 ms with them)."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
