"""The one table of `make bench`: pages under load, staff and data paths, and the goals."""

import dataclasses
from collections import Counter

# Goals of issue 8.
CACHED_SHARE_OF_BARE = 0.5
UNCACHED_ARTICLE_P50_MS = 20.0
DB_MS_PER_PAGE = 10.0


def runs_as_dicts(runs):
    return [dataclasses.asdict(run) for run in runs]


def goals(pages):
    """[(goal, measured, ok)] for the page runs of a loadbench result (dicts)."""
    runs = {(run["page"], run["mode"]): run for run in pages["runs"]}
    names = list(dict.fromkeys(run["page"] for run in pages["runs"]))
    results = []
    shares = {
        name: runs[(name, "cached")]["load"]["rps"] / runs[(name, "bare")]["load"]["rps"]
        for name in names
        if (name, "cached") in runs and runs.get((name, "bare"), {}).get("load", {}).get("rps")
    }
    if shares:
        results.append(
            (
                f"cached pages ≥ {CACHED_SHARE_OF_BARE:.0%} of the bare-WSGI req/s",
                ", ".join(f"{name} {share:.0%}" for name, share in shares.items()),
                all(share >= CACHED_SHARE_OF_BARE for share in shares.values()),
            )
        )
    article = runs.get(("article", "uncached"))
    if article:
        p50 = article["alone"]["p50_ms"]
        results.append(
            (
                f"uncached article p50 ≤ {UNCACHED_ARTICLE_P50_MS:.0f} ms (one reader)",
                f"{p50:.1f} ms ({article['load']['p50_ms']:.0f} ms under load)",
                p50 <= UNCACHED_ARTICLE_P50_MS,
            )
        )
    rendered = {run["page"]: run["db_p50_ms"] for run in pages["runs"] if run["mode"] == "uncached"}
    if rendered:
        results.append(
            (
                f"no page over {DB_MS_PER_PAGE:.0f} ms of database time (median, one reader)",
                ", ".join(f"{name} {ms:.1f} ms" for name, ms in rendered.items()),
                all(ms <= DB_MS_PER_PAGE for ms in rendered.values()),
            )
        )
    served = {}
    for run in pages["runs"]:
        if run["mode"] != "bare":
            states = served.setdefault(run["mode"], Counter())
            states.update(run["cache_states"])
    hits = served.get("cached", Counter())
    renders = served.get("uncached", Counter())
    hit_share = hits["hit"] / max(1, hits.total())
    render_share = renders["rendered"] / max(1, renders.total())
    results.append(
        (
            "cached runs served from the page cache, uncached ones rendered",
            f"{hit_share:.1%} of {hits.total():,} logged hits, "
            f"{render_share:.1%} of {renders.total():,} renders",
            hit_share >= 0.99 and render_share == 1.0,
        )
    )
    errors = sum(
        run[key]["errors"] + run[key]["bad_status"]
        for run in pages["runs"]
        for key in ("load", "alone")
    )
    results.append(("no error and no status ≥ 400 under load", f"{errors:,}", errors == 0))
    return results


def page_lines(pages):
    head = (
        f"{'page':<8} {'mode':<9} {'req/s':>7} {'vs bare':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'p50 one':>8} {'p99 one':>8} {'db p50':>7} {'db max':>7} {'queries':>7}"
    )
    lines = [head, "-" * len(head)]
    bare = {run["page"]: run["load"]["rps"] for run in pages["runs"] if run["mode"] == "bare"}
    for run in pages["runs"]:
        load, alone = run["load"], run["alone"]
        share = f"{load['rps'] / bare[run['page']]:.0%}" if bare.get(run["page"]) else ""
        database = (
            ("", "", "")
            if run["mode"] == "bare"
            else (f"{run['db_p50_ms']:.1f}", f"{run['db_max_ms']:.1f}", str(run["queries"]))
        )
        lines.append(
            f"{run['page']:<8} {run['mode']:<9} {load['rps']:>7,.0f} {share:>7} "
            f"{load['p50_ms']:>7.1f} {load['p99_ms']:>7.1f} {alone['p50_ms']:>8.1f} "
            f"{alone['p99_ms']:>8.1f} {database[0]:>7} {database[1]:>7} {database[2]:>7}"
        )
    return lines


def data_lines(rows):
    head = f"{'operation':<46} {'rows':>8} {'seconds':>8} {'peak MiB':>8} {'bytes':>11}"
    lines = [head, "-" * len(head)]
    for row in rows:
        lines.append(
            f"{row['label']:<46} {row['rows']:>8,} {row['seconds']:>8.3f} "
            f"{row['peak_mib']:>8.1f} {row['bytes'] or 0:>11,}"
        )
    return lines


def table(result, data_rows=()):
    """Every line of the table for a loadbench result and more data rows (from `bench`)."""
    lines = [
        f"Production load · {result['date']} · {result['machine']}",
        f"PostgreSQL {result['postgres']} · Redis {result['redis']} · load average before "
        f"{result['load_before']}, after {result['load_after']}",
    ]
    pages = result.get("pages")
    if pages:
        server = pages["server"]
        lines.append(
            f"gunicorn (portal/gunicorn.conf.py): {server['workers']} processes × "
            f"{server['threads']} threads · wrk: {server['connections']} connections for "
            f"{pages['seconds']} s (req/s, p50, p99), then 1 connection (p50 one, p99 one) · "
            f"times in ms; db: database time of a request from the request log (p50 of the one-"
            f"connection run, max of both), queries: most in one request"
        )
        lines += ["", *page_lines(pages)]
    rows = [*result.get("data", []), *data_rows]
    if rows:
        lines += ["", *data_lines(rows)]
    if pages:
        checks = goals(pages)
        width = max(len(goal) for goal, _m, _ok in checks)
        lines += ["", f"{'goal':<{width}}  result  measured"]
        for goal, measured, ok in checks:
            lines.append(f"{goal:<{width}}  {'ok' if ok else 'MISSED':<6}  {measured}")
    return lines
