# Visitor statistics: daily visits and the state of the buffered counts' flushes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailyVisits",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(unique=True, verbose_name="day")),
                (
                    "visits",
                    models.PositiveBigIntegerField(
                        default=0,
                        help_text="A reader's first page after 30 minutes away.",
                        verbose_name="visits",
                    ),
                ),
                (
                    "page_views",
                    models.PositiveBigIntegerField(default=0, verbose_name="page views"),
                ),
                (
                    "bot_visits",
                    models.PositiveBigIntegerField(default=0, verbose_name="search engine visits"),
                ),
                (
                    "bot_page_views",
                    models.PositiveBigIntegerField(
                        default=0, verbose_name="search engine page views"
                    ),
                ),
            ],
            options={
                "verbose_name": "daily visits",
                "verbose_name_plural": "daily visits",
                "ordering": ["-day"],
            },
        ),
        migrations.CreateModel(
            name="VisitFlushState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("last_batch", models.CharField(blank=True, max_length=64)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("pk", 1)), name="visit_flush_state_single"
                    )
                ],
            },
        ),
    ]
