"""After the soak: is everything the portal acknowledged in the database, and what the table says.

``verify`` runs in a process connected to the soak's database; ``classify`` reads the requests
against the fault windows; both feed ``summary``, the soak's one table.
"""

from collections import Counter, defaultdict
from decimal import Decimal

# A 503 this long after PostgreSQL answered again still counts as the outage's.
RECOVERY_SECONDS = 10.0
# Requests that fail because the database is away must fail within this (the 503 page).
FAIL_FAST_SECONDS = 5.0


def verify(data, expected_page_views):
    """Look for every acknowledged save, rating and article view; count the visits."""
    from articles.models import ArticleView, Rating
    from indicators.models import Achievement, AdministrativeUnit
    from portal import visits
    from portal.formatting import parse_number
    from portal.models import DailyVisits
    from portal.readers import digest

    while visits.flush():  # what the buffer still holds, as the next flush would add it
        pass
    lost = []
    attempts = defaultdict(list)  # (unit, year, month, indicator) -> [(started, value, acked)]
    for save in sorted(data["saves"], key=lambda s: s["started"]):
        for indicator, value in save["changes"].items():
            key = (save["unit"], save["year"], save["month"], int(indicator))
            attempts[key].append((parse_number(value), save["acknowledged"]))
    units = dict(AdministrativeUnit.objects.values_list("code", "pk"))
    acknowledged_saves = sum(1 for s in data["saves"] if s["acknowledged"])
    for (unit, year, month, indicator), tries in attempts.items():
        acked = [i for i, (_value, ok) in enumerate(tries) if ok]
        if not acked:
            continue
        stored = (
            Achievement.objects.filter(
                report__unit=units[unit],
                report__year=year,
                report__month=month,
                indicator=indicator,
            )
            .values_list("value", flat=True)
            .first()
        )
        # The last acknowledged value, or one sent after it (whose answer may have been lost).
        allowed = {Decimal(value) for value, _ok in tries[acked[-1] :]}
        if stored is None or Decimal(stored) not in allowed:
            lost.append(f"{unit} {month:02d}/{year} indicator {indicator}: {stored}")

    ratings_lost = []
    last_score = {}
    for slug, token, score, _had in data["ratings"]:
        last_score[(slug, digest("cookie", token))] = score
    for slug, visitor in last_score:
        if not Rating.objects.filter(article__slug=slug, visitor=visitor).exists():
            ratings_lost.append(slug)

    views = {}
    for slug, address, agent, token, started in data["views"]:
        visitor = digest("cookie", token) if token else digest("ip", address, agent[:300])
        views.setdefault((slug, visitor), started)
    stored_views = set(
        ArticleView.objects.values_list("article__slug", "visitor").distinct().iterator()
    )
    views_lost = sorted(started for key, started in views.items() if key not in stored_views)

    totals = Counter()
    for row in DailyVisits.objects.values("page_views", "bot_page_views"):
        totals.update(row)
    return {
        "saves_acknowledged": acknowledged_saves,
        "figures_checked": sum(1 for t in attempts.values() if any(ok for _v, ok in t)),
        "saves_lost": lost,
        "ratings_acknowledged": len(last_score),
        "ratings_lost": ratings_lost,
        "views_acknowledged": len(views),
        "views_lost": len(views_lost),
        "views_lost_at": views_lost[:20],
        "page_views_expected": expected_page_views,
        "page_views_stored": totals["page_views"],
        "bot_page_views_stored": totals["bot_page_views"],
    }


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def classify(records, faults):
    """Requests by fault window: the 5xx allowed (503 while PostgreSQL is away) and the rest."""
    pg = faults.get("postgres")
    window = (pg["stopped"], pg["started"] + RECOVERY_SECONDS) if pg else None
    unexpected = Counter()
    outage_503 = []
    after_restart = []
    no_answer = Counter()
    for record in records:
        status, started = record["status"], record["started"]
        ended = started + record["seconds"]
        in_pg = window is not None and ended >= window[0] and started <= window[1]
        if status == 0:
            no_answer["in the PostgreSQL outage" if in_pg else "outside it"] += 1
            if not in_pg:
                unexpected[f"no answer ({record['kind']})"] += 1
        elif status == -1:
            unexpected[f"soak client error: {record['error'][:80]}"] += 1
        elif status == 503 and in_pg:
            outage_503.append(record["seconds"])
            if started > pg["started"]:
                after_restart.append(started - pg["started"])
        elif status >= 500:
            unexpected[f"{status} {record['role']} {record['kind']}"] += 1
    return {
        "unexpected": dict(unexpected),
        "outage_503": len(outage_503),
        "outage_503_p50": _percentile(outage_503, 0.5),
        "outage_503_max": max(outage_503, default=0.0),
        "recovered_after": max(after_restart, default=0.0),
        "no_answer": dict(no_answer),
    }


def summary(records, faults, checks, classified, header):
    """The soak's table, and whether every check passed."""
    server = classified.get("server_503_ms", [])
    by_role = defaultdict(Counter)
    seconds = defaultdict(list)
    for record in records:
        by_role[record["role"]][record["status"]] += 1
        if record["status"] > 0:
            seconds[record["role"]].append(record["seconds"])
    lines = [*header, ""]
    head = f"{'who':<8} {'requests':>9} {'p50 ms':>7} {'p99 ms':>8}  statuses"
    lines += [head, "-" * len(head)]
    for role, statuses in sorted(by_role.items()):
        text = ", ".join(f"{status}: {count:,}" for status, count in sorted(statuses.items()))
        lines.append(
            f"{role:<8} {sum(statuses.values()):>9,} "
            f"{_percentile(seconds[role], 0.5) * 1000:>7.0f} "
            f"{_percentile(seconds[role], 0.99) * 1000:>8.0f}  {text}"
        )
    lines.append("")
    for name, fault in faults.items():
        if name == "start":
            continue
        lines.append(
            f"{name} stopped at +{fault['stopped'] - faults['start']:.0f} s for "
            f"{fault['started'] - fault['stopped']:.0f} s"
        )
    results = [
        (
            "no 5xx except 503 while PostgreSQL is away, no request unanswered",
            ", ".join(f"{k}: {v}" for k, v in classified["unexpected"].items()) or "none",
            not classified["unexpected"],
        ),
        (
            f"503 while PostgreSQL is away, by the portal within {FAIL_FAST_SECONDS:.0f} s",
            f"{classified['outage_503']:,} × 503; the portal took p50 "
            f"{_percentile(server, 0.5):.0f} ms, max {max(server, default=0):.0f} ms; "
            f"clients waited p50 {classified['outage_503_p50'] * 1000:.0f} ms, max "
            f"{classified['outage_503_max'] * 1000:.0f} ms",
            classified["outage_503"] > 0 and max(server, default=0) <= FAIL_FAST_SECONDS * 1000,
        ),
        (
            "the 503 page is Vietnamese, with Retry-After",
            checks.get("page_503", "not seen"),
            checks.get("page_503_ok", False),
        ),
        (
            f"recovered without a restart (no 503 {RECOVERY_SECONDS:.0f} s after, saves again)",
            f"last 503 {classified['recovered_after']:.1f} s after PostgreSQL was back, "
            f"{classified['saves_after_restart']:,} saves acknowledged after",
            classified["recovered_after"] <= RECOVERY_SECONDS
            and classified["saves_after_restart"] > 0,
        ),
        (
            f"the page cache serves again within {RECOVERY_SECONDS:.0f} s of Redis being back",
            "no page from the cache after Redis was back"
            if classified.get("cache_back_after") is None
            else f"first page from the cache {classified['cache_back_after']:.1f} s after",
            classified.get("cache_back_after") is not None
            and classified["cache_back_after"] <= RECOVERY_SECONDS,
        ),
        (
            "every acknowledged save is in the database",
            f"{checks['saves_acknowledged']:,} saves ({checks['figures_checked']:,} figures), "
            f"{len(checks['saves_lost'])} lost",
            checks["saves_acknowledged"] > 0 and not checks["saves_lost"],
        ),
        (
            "every acknowledged rating is in the database",
            f"{checks['ratings_acknowledged']:,} ratings, {len(checks['ratings_lost'])} lost",
            checks["ratings_acknowledged"] > 0 and not checks["ratings_lost"],
        ),
        (
            "every article view served is counted",
            f"{checks['views_acknowledged']:,} readers' views, {checks['views_lost']} lost",
            not checks["views_lost"],
        ),
        (
            "visitor counters lose no page they counted",
            f"{checks['page_views_stored']:,} page views stored, "
            f"{checks['page_views_expected']:,} counted",
            checks["page_views_stored"] >= checks["page_views_expected"],
        ),
    ]
    width = max(len(goal) for goal, _m, _ok in results)
    lines += ["", f"{'check':<{width}}  result  measured"]
    for goal, measured, ok in results:
        lines.append(f"{goal:<{width}}  {'ok' if ok else 'FAILED':<6}  {measured}")
    for problem in checks["saves_lost"][:10]:
        lines.append(f"  lost save: {problem}")
    return lines, all(ok for _g, _m, ok in results)
