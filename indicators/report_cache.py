"""The public results' year of reports, computed once per change of the figures it shows.

A results page computes every month's report from January (``reporting.build_year_reports``):
most of the page's time on a cache miss, which every rating or article change causes since
those empty the whole page cache. The reports themselves change only with the approved figures,
targets, the catalogue and the units, so they are kept (shared by every process, as pages are)
under a *version* that exactly those changes bump (``indicators.signals``, and the bulk loads
that send no signal: the demo, a restore). ``reporting`` stays the one place figures are
computed; this module only keeps what it returned. Approved figures only: staff reports that
count months still open are never cached here.
"""

import time

from django.core.cache import cache
from django.db import transaction

from indicators.reporting import build_report, build_year_reports
from portal.pagecache import PAGE_SECONDS

VERSION_KEY = "results:reports:version"


def version():
    value = cache.get(VERSION_KEY)
    if value is None:
        # A random start: after a cache flush, no entry of an earlier version can match.
        value = int(time.time() * 1000)
        if not cache.add(VERSION_KEY, value, None):
            value = cache.get(VERSION_KEY, value)
    return value


def bump(**_signal_kwargs):
    """Make every kept report stale: figures the public sees changed. A signal receiver.

    Bumped at once and again when the transaction commits: reports computed between the two
    (from data not yet committed, so still the old) are not used after the commit.
    """
    _increment()
    transaction.on_commit(_increment)


def _increment():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: nothing is kept under one
        version()


def public_year_reports(year, month, *, jurisdiction, programs=None):
    """``build_year_reports`` of the approved figures, kept until they change."""
    # The version is read first: a change while the reports are computed leaves them under
    # the version before it, which no one reads any more.
    program_ids = ",".join(str(p.pk) for p in programs) if programs is not None else "all"
    key = f"results:reports:{version()}:{jurisdiction.pk}:{year}:{month}:{program_ids}"
    reports = cache.get(key)
    if reports is None:
        reports = build_year_reports(year, month, jurisdiction=jurisdiction, programs=programs)
        cache.set(key, reports, PAGE_SECONDS)
    return reports


def public_report(year, month, *, programs=None):
    """``build_report`` of the approved figures of the whole jurisdiction, as an article quotes
    them (``articles.figures``), kept until they change."""
    program_ids = ",".join(str(p) for p in programs) if programs is not None else "all"
    key = f"results:report:{version()}:{year}:{month}:{program_ids}"
    report = cache.get(key)
    if report is None:
        report = build_report(year, month, programs=programs)
        cache.set(key, report, PAGE_SECONDS)
    return report
