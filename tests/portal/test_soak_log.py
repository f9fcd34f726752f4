"""The soak reads its verdicts from the server's request log: each counted line once."""

import json
import time

from portal.management.commands.soak import Command


def line(**fields):
    return json.dumps({"time": "2026-12-07 09:21:21,310", "level": "INFO", **fields}) + "\n"


def test_the_log_counts_hits_misses_and_pages_not_counted(tmp_path):
    log = tmp_path / "server.log"
    log.write_text(
        line(message="GET / 200 0.2ms", page_cache="hit")
        + line(message="GET /ket-qua/ 200 0.3ms", page_cache="hit")
        + line(message="GET /tin-tuc/ 200 21.0ms", page_cache="miss")
        + line(message="GET /admin/ 200 9.0ms")
        + line(level="ERROR", message="Visitor statistics: a page could not be counted")
        + line(level="ERROR", message="Visitor statistics: a page could not be counted"),
        encoding="utf-8",
    )
    assert Command().log_counts(log) == {"hit": 2, "miss": 1, "uncounted": 2}


def test_the_first_hit_after_a_moment_is_found_by_its_local_time(tmp_path):
    log = tmp_path / "server.log"
    log.write_text(
        line(time="2026-12-07 09:21:20,000", page_cache="hit")
        + line(time="2026-12-07 09:21:25,000", page_cache="miss")
        + line(time="2026-12-07 09:21:27,500", page_cache="hit"),
        encoding="utf-8",
    )
    moment = time.mktime(time.strptime("2026-12-07 09:21:25", "%Y-%m-%d %H:%M:%S"))
    assert Command().first_hit_after(log, moment) == 2.5
    assert Command().first_hit_after(log, moment + 60) is None
