"""Audit a running portal: Lighthouse, axe-core and the Nu HTML checker on its key pages.

``make audit`` starts the demo portal as in production and runs this command against it; any
score below its threshold, axe violation, HTML error or page-weight problem fails the run.
The tools are the project's pinned npm packages (``npm ci``) driven by Debian's Chromium.
"""

import contextlib
import gzip
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# The pages audited, in order. ``{article}``, ``{category}`` and ``{commune}`` are filled from
# the database the server uses; a page answering 404 (not built yet) is skipped, not failed.
PUBLIC_PAGES = [
    ("home", "/"),
    ("category", "/tin-tuc/chuyen-muc/{category}/"),
    ("article", "/tin-tuc/{article}/"),
    ("search", "/tim-kiem/?q=chuyen+doi+so"),
    ("results", "/ket-qua/"),
    ("commune", "/ket-qua/xa/{commune}/"),
    ("contact", "/lien-he/"),
    ("news", "/tin-tuc/"),
    ("tag", "/tin-tuc/the/{tag}/"),
    ("program", "/ket-qua/chuong-trinh/{program}/"),
    ("units", "/don-vi-hanh-chinh/"),
    ("intro", "/gioi-thieu/{intro}/"),
    ("site map", "/so-do-trang/"),
]
# WCAG 1.4.10 reflow: no sideways scrolling of the page at 320 CSS px, nor at 200% zoom of a
# 1280 px screen (640 CSS px). Wide tables scroll inside their own box.
REFLOW_WIDTHS = (320, 640)
# Pages behind the admin login: axe only. The entry start page redirects a clerk to their
# commune's current month.
STAFF_PAGES = [("entry form", "/admin/indicators/monthlyreport/entry/")]
STAFF_LOGIN = ("canbo.locan", "locan-demo-2026")

# Lighthouse audits a page fails on purpose, left out of its category score (with the reason).
EXPECTED_AUDITS = {
    "search": {"is-crawlable": "search results are noindex on purpose"},
}
LIGHTHOUSE_RETRIES = 2  # runs that end in a Lighthouse error, tried again
PERFORMANCE_RUNS = 3  # when the first run misses, as Lighthouse CI does: the median of three
THRESHOLDS = {"accessibility": 100, "best-practices": 95, "seo": 95, "performance": 95}
LIGHTHOUSE_COLUMNS = [
    ("accessibility", "LH a11y"),
    ("best-practices", "LH best"),
    ("seo", "LH SEO"),
    ("performance", "LH perf"),
]
MAX_WEIGHT_BYTES = 100 * 1024  # HTML + CSS + JS of a public page, gzip-compressed
MOBILE_VIEWPORT = {"width": 412, "height": 823}  # Lighthouse's mobile screen
DESKTOP_VIEWPORT = {"width": 1350, "height": 940}  # Lighthouse's desktop screen
BELOW_THE_FOLD = """() => [...document.images].map(img => [
    img.outerHTML.slice(0, 200),
    img.getBoundingClientRect().top + scrollY >= innerHeight,
    img.loading === 'lazy'])"""
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SNIPPET = 160


@dataclass
class PageResult:
    name: str
    path: str
    status: int | None = None
    lighthouse: dict = field(default_factory=dict)  # category -> score 0..100
    axe: int | None = None
    html_errors: int | None = None
    weight: int | None = None
    problems: list = field(default_factory=list)  # (tool, title, detail lines)
    notes: list = field(default_factory=list)
    html_file: Path | None = None
    measures: str = ""

    @property
    def skipped(self):
        return self.status == 404

    def fail(self, tool, title, lines=()):
        self.problems.append((tool, title, list(lines)))


# ---------------------------------------------------------------------------------------------
# Parsing the tools' outputs (pure functions, tested with canned outputs).


def _clip(text):
    text = " ".join(str(text).split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def parse_lighthouse(report, expected=()):
    """Scores (0–100) of a Lighthouse JSON report, and the audits that lost points.

    Audits in ``expected`` are left out and the category's score is recomputed without them
    (Lighthouse's score is the weighted mean of its audits' scores).
    """
    scores, failures = {}, {}
    audits = report.get("audits", {})
    for key, category in report.get("categories", {}).items():
        score = category.get("score")
        refs = [r for r in category.get("auditRefs", []) if r["id"] not in expected]
        if score is not None and len(refs) < len(category.get("auditRefs", [])):
            weighed = [
                (r["weight"], audits[r["id"]]["score"])
                for r in refs
                if r.get("weight") and audits.get(r["id"], {}).get("score") is not None
            ]
            total = sum(weight for weight, _ in weighed)
            score = sum(w * s for w, s in weighed) / total if total else score
        scores[key] = None if score is None else round(score * 100)
        lost = []
        for ref in refs:
            audit = audits.get(ref["id"], {})
            if ref.get("weight", 0) == 0 or audit.get("score") is None or audit["score"] >= 1:
                continue
            lines = []
            details = audit.get("details") or {}
            for item in (details.get("items") or [])[:5]:
                node = item.get("node") if isinstance(item, dict) else None
                if node:
                    lines.append(f"{node.get('selector', '')}  {_clip(node.get('snippet', ''))}")
                elif isinstance(item, dict) and item.get("url"):
                    lines.append(_clip(item["url"]))
                elif isinstance(item, dict) and item.get("description"):
                    lines.append(_clip(item["description"]))
            value = audit.get("displayValue")
            title = f"{ref['id']}: {audit.get('title', '')}" + (f" ({value})" if value else "")
            lost.append((title, lines))
        failures[key] = lost
    return scores, failures


def parse_axe(results):
    """(rule, impact, help, [element lines]) for each axe violation."""
    violations = []
    for rule in results.get("violations", []):
        nodes = [
            f"{' '.join(map(str, node.get('target', [])))}  {_clip(node.get('html', ''))}"
            for node in rule.get("nodes", [])
        ]
        violations.append((rule["id"], rule.get("impact") or "", rule.get("help", ""), nodes))
    return violations


def merge_axe(runs):
    """One axe result from several runs of a page (phone and desktop layouts)."""
    merged = {}
    for run in runs:
        for rule in run.get("violations", []):
            kept = merged.setdefault(rule["id"], {**rule, "nodes": []})
            seen = {tuple(map(str, node.get("target", []))) for node in kept["nodes"]}
            kept["nodes"] += [
                node
                for node in rule.get("nodes", [])
                if tuple(map(str, node.get("target", []))) not in seen
            ]
    return {"violations": list(merged.values())}


def parse_vnu(output, files):
    """HTML errors per page name from the Nu checker's JSON; ``files`` maps a path to a page."""
    by_name = {name: [] for name in files.values()}
    for message in json.loads(output or "{}").get("messages", []):
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        url = message.get("url", "")
        name = next((n for path, n in files.items() if url.endswith(Path(path).name)), None)
        if name is None:
            name = next(iter(by_name), "?")
        line = message.get("lastLine", "?")
        extract = f"  «{_clip(message['extract'])}»" if message.get("extract") else ""
        by_name[name].append(f"line {line}: {message.get('message', '')}{extract}")
    return by_name


class _AssetParser(HTMLParser):
    """Collects stylesheets, scripts and images of a page as the browser would see them."""

    def __init__(self):
        super().__init__()
        self.in_head = False
        self.head_assets = []  # (kind, url, blocking)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or "").lower().split():
            blocking = (attrs.get("media") or "all").strip().lower() not in {"print"}
            self.head_assets.append(("stylesheet", attrs.get("href") or "", blocking))
        elif tag == "script" and attrs.get("src"):
            deferred = "async" in attrs or "defer" in attrs or attrs.get("type") == "module"
            self.head_assets.append(("script", attrs["src"], self.in_head and not deferred))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def third_party_blocking(html, page_url):
    """Render-blocking stylesheets and scripts served from another host than the page."""
    parser = _AssetParser()
    parser.feed(html)
    host = urlsplit(page_url).netloc
    return [
        f"{kind} {url}"
        for kind, url, blocking in parser.head_assets
        if blocking and urlsplit(urljoin(page_url, url)).netloc != host
    ]


def gzip_size(body):
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def format_table(results):
    """One row per page, one column per tool: scores, violations and errors."""
    headers = ["page", "status"] + [label for _, label in LIGHTHOUSE_COLUMNS]
    headers += ["axe", "HTML err", "kB gz", "result"]
    rows = []
    for result in results:
        if result.skipped:
            rows.append([result.name, "404"] + ["–"] * (len(headers) - 3) + ["SKIPPED (404)"])
            continue
        row = [result.name, str(result.status or "–")]
        for key, _label in LIGHTHOUSE_COLUMNS:
            score = result.lighthouse.get(key)
            row.append("–" if score is None else str(score))
        row.append("–" if result.axe is None else str(result.axe))
        row.append("–" if result.html_errors is None else str(result.html_errors))
        row.append("–" if result.weight is None else f"{result.weight / 1024:.1f}")
        row.append("FAIL" if result.problems else "ok")
        rows.append(row)
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def format_problems(results):
    lines = []
    for result in results:
        for tool, title, details in result.problems:
            lines.append(f"[{result.name} {result.path}] {tool}: {title}")
            lines += [f"    {detail}" for detail in details]
    return "\n".join(lines)


def check_lighthouse(result, reports):
    """Scores of a page's Lighthouse runs: the first run, with performance as the median run's."""
    expected = EXPECTED_AUDITS.get(result.name, {})
    parsed = [parse_lighthouse(report, expected) for report in reports]
    scores, failures = parsed[0]
    if len(parsed) > 1:
        ranked = sorted(parsed, key=lambda p: p[0].get("performance") or 0)
        median_scores, median_failures = ranked[len(ranked) // 2]
        scores = {**scores, "performance": median_scores.get("performance")}
        failures = {**failures, "performance": median_failures.get("performance", [])}
        runs = ", ".join(str(p[0].get("performance")) for p in parsed)
        result.notes.append(f"Lighthouse performance: median of {len(parsed)} runs ({runs})")
    for audit, reason in expected.items():
        result.notes.append(f"Lighthouse {audit} not counted: {reason}")
    result.lighthouse = scores
    for key, minimum in THRESHOLDS.items():
        score = scores.get(key)
        if score is None or score < minimum:
            result.fail(
                "lighthouse",
                f"{key} {score} < {minimum}",
                [
                    title + "".join(f"\n        {line}" for line in lines)
                    for title, lines in failures.get(key, [])
                ],
            )


def check_axe(result, axe_results):
    violations = parse_axe(axe_results)
    result.axe = len(violations)
    for rule, impact, help_text, nodes in violations:
        result.fail("axe", f"{rule} ({impact}): {help_text}", nodes)


def check_weight(result, sizes, blocking, images):
    """Page weight, third-party blocking assets and lazy images (point 8 of the measures).

    ``sizes`` maps a URL to (resource type, gzip bytes);
    ``images`` lists each image as (HTML, below the fold, lazy-loaded).
    """
    result.weight = sum(size for _, size in sizes.values())
    by_kind = {}
    for kind, size in sizes.values():
        by_kind[kind] = by_kind.get(kind, 0) + size
    below = [html for html, is_below, _lazy in images if is_below]
    eager = [html for html, is_below, lazy in images if is_below and not lazy]
    parts = ", ".join(f"{kind} {size / 1024:.1f}" for kind, size in sorted(by_kind.items()))
    result.measures = (
        f"{result.weight / 1024:.1f} kB gzip ({parts}); "
        f"third-party render-blocking: {len(blocking)}; "
        f"images below the fold: {len(below)}, lazy: {len(below) - len(eager)}"
    )
    if result.weight >= MAX_WEIGHT_BYTES:
        result.fail(
            "weight",
            f"HTML+CSS+JS {result.weight / 1024:.1f} kB gzip ≥ {MAX_WEIGHT_BYTES // 1024} kB",
            [f"{size / 1024:.1f} kB  {url}" for url, (_, size) in sorted(sizes.items())],
        )
    if blocking:
        result.fail("weight", "render-blocking third-party asset", blocking)
    if eager:
        result.fail("weight", 'image below the fold without loading="lazy"', eager)


# ---------------------------------------------------------------------------------------------
# Running the tools.


class Command(BaseCommand):
    help = "Audit a running portal with Lighthouse, axe-core and the Nu HTML checker."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8000")
        parser.add_argument(
            "--tools",
            default="lighthouse,axe,html",
            help="comma-separated subset of lighthouse,axe,html (default: all three)",
        )
        parser.add_argument(
            "--chromium",
            default=os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "",
        )
        parser.add_argument("--node-modules", default=str(settings.BASE_DIR / "node_modules"))

    def handle(self, *args, base_url, tools, chromium, node_modules, **options):
        self.base = base_url.rstrip("/")
        self.tools = {t.strip() for t in tools.split(",") if t.strip()}
        self.chromium = chromium
        self.node_modules = Path(node_modules)
        unknown = self.tools - {"lighthouse", "axe", "html"}
        if unknown or not self.tools:
            raise CommandError(f"--tools takes lighthouse, axe and html, not {tools!r}")
        self._check_tools()
        pages = self._resolve(PUBLIC_PAGES)
        staff = self._resolve(STAFF_PAGES)
        with tempfile.TemporaryDirectory(prefix="audit-") as tmp:
            self.tmp = Path(tmp)
            results = self._browser_pass(pages, staff)
            public = [r for r in results[: len(pages)] if r.status == 200]
            if "html" in self.tools:
                self._nu_pass(public)
            if "lighthouse" in self.tools:
                for result in public:
                    self._lighthouse(result)
        self.stdout.write("\n" + format_table(results) + "\n")
        for result in results:
            if result.skipped:
                self.stdout.write(f"{result.name} {result.path}: SKIPPED (404)")
            if result.measures:
                self.stdout.write(f"{result.name}: {result.measures}")
            for note in result.notes:
                self.stdout.write(f"{result.name}: {note}")
        failed = [r for r in results if r.problems]
        if failed:
            self.stdout.write("\n" + format_problems(results) + "\n")
            raise CommandError(
                f"audit failed on {len(failed)} page(s): " + ", ".join(r.name for r in failed)
            )
        self.stdout.write(self.style.SUCCESS("\naudit passed"))

    def _check_tools(self):
        if not self.chromium or not Path(self.chromium).exists():
            raise CommandError(
                "Chromium not found: install Debian's chromium or set CHROMIUM_PATH."
            )
        needed = {
            "lighthouse": ".bin/lighthouse",
            "axe": "axe-core/axe.min.js",
            "html": "vnu-jar/build/dist/vnu.jar",
        }
        missing = [
            p for t, p in needed.items() if t in self.tools and not (self.node_modules / p).exists()
        ]
        if missing:
            raise CommandError(f"missing in {self.node_modules}: {', '.join(missing)} (npm ci)")
        if "html" in self.tools and not shutil.which("java"):
            raise CommandError("java not found: the Nu HTML checker needs Java 17 or newer.")

    def _resolve(self, pages):
        """Fill the pages' slugs from the database the server reads."""
        from articles.models import Article, Category, Tag
        from indicators.models import AdministrativeUnit, Program
        from portal.models import IntroPage

        # The newest article with a cover picture: the fullest article page.
        published = Article.objects.published().order_by("-publish_at")
        article = published.exclude(cover="").first() or published.first()
        category = Category.objects.filter(articles__in=Article.objects.published()).first()
        commune = AdministrativeUnit.objects.active().communes().order_by("order").first()
        values = {
            "article": article.slug if article else "none",
            "category": category.slug if category else "none",
            "commune": commune.code if commune else "none",
            "tag": getattr(Tag.objects.filter(articles__isnull=False).first(), "slug", "none"),
            "program": getattr(Program.objects.order_by("order").first(), "code", "none"),
            "intro": getattr(IntroPage.objects.filter(is_published=True).first(), "slug", "none"),
        }
        return [PageResult(name, path.format(**values)) for name, path in pages]

    def _browser_pass(self, pages, staff):
        """Status, weight, lazy images and axe in Chromium through Playwright."""
        from playwright.sync_api import sync_playwright

        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=self.chromium, args=CHROMIUM_FLAGS[1:])
            try:
                context = browser.new_context(viewport=MOBILE_VIEWPORT)
                for result in pages:
                    self._public_page(context, result)
                context.close()
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(f"{self.base}/admin/login/")
                page.fill("#id_username", STAFF_LOGIN[0])
                page.fill("#id_password", STAFF_LOGIN[1])
                page.click("[type=submit]")
                page.wait_for_load_state()
                for result in staff:
                    response = page.goto(self.base + result.path)
                    result.status = response.status if response else None
                    self.stdout.write(f"{result.name}: {page.url} ({result.status})")
                    if "/admin/login/" in page.url:
                        result.fail("http", f"signing in as {STAFF_LOGIN[0]} failed")
                    elif result.status != 200:
                        result.fail("http", f"status {result.status}")
                    elif "axe" in self.tools:
                        check_axe(result, self._axe(page))
                context.close()
            finally:
                browser.close()
        return pages + staff

    def _public_page(self, context, result):
        from playwright.sync_api import Error as PlaywrightError

        page = context.new_page()
        bodies = {}

        def keep(response):
            if response.request.resource_type in {"document", "stylesheet", "script"}:
                with contextlib.suppress(PlaywrightError):  # a redirect has no body
                    bodies[response.url] = (response.request.resource_type, response.body())

        page.on("response", keep)
        response = page.goto(self.base + result.path, wait_until="load")
        result.status = response.status if response else None
        self.stdout.write(f"{result.name}: {result.path} ({result.status})")
        if result.status == 404:
            page.close()
            return
        if result.status != 200:
            result.fail("http", f"status {result.status}")
            page.close()
            return
        html = response.body()
        result.html_file = self.tmp / f"{len(list(self.tmp.iterdir())):02d}.html"
        result.html_file.write_bytes(html)
        # "Below the fold" on a phone and on a desktop screen alike: a cover picture that a
        # desktop reader sees at once stays eager (it is that page's largest paint). axe runs
        # on both layouts too.
        below_phone = page.evaluate(BELOW_THE_FOLD)
        axe_runs = [self._axe(page)] if "axe" in self.tools else []
        page.set_viewport_size(DESKTOP_VIEWPORT)
        below_desktop = page.evaluate(BELOW_THE_FOLD)
        if "axe" in self.tools:
            axe_runs.append(self._axe(page))
            check_axe(result, merge_axe(axe_runs))
        images = [
            (snippet, is_below and below_desktop[i][1], lazy)
            for i, (snippet, is_below, lazy) in enumerate(below_phone)
        ]
        for width in REFLOW_WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                result.fail("reflow", f"at {width} px the page is {scroll} px wide")
        sizes = {url: (kind, gzip_size(body)) for url, (kind, body) in bodies.items()}
        blocking = third_party_blocking(html.decode("utf-8", "replace"), page.url)
        check_weight(result, sizes, blocking, images)
        page.close()

    def _axe(self, page):
        # Evaluated, not added as a <script>: the page's Content-Security-Policy refuses inline
        # scripts, and the audit sees the page with the policy on, as readers do.
        page.evaluate((self.node_modules / "axe-core/axe.min.js").read_text())
        return page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")

    def _nu_pass(self, results):
        jar = self.node_modules / "vnu-jar/build/dist/vnu.jar"
        files = {str(r.html_file): r.name for r in results if r.html_file}
        if not files:
            return
        proc = subprocess.run(  # noqa: S603 – fixed arguments, our own files
            [shutil.which("java"), "-jar", str(jar), "--stdout", "--format", "json", *files],
            capture_output=True,
            text=True,
            timeout=300,
        )
        errors = parse_vnu(proc.stdout, files)
        for result in results:
            if result.name in errors:
                result.html_errors = len(errors[result.name])
                if errors[result.name]:
                    result.fail(
                        "html",
                        f"{len(errors[result.name])} Nu checker error(s)",
                        errors[result.name],
                    )

    def _lighthouse(self, result):
        self.stdout.write(f"lighthouse: {result.path}")
        reports, attempts = [], 0
        while len(reports) < PERFORMANCE_RUNS:
            report, error = self._lighthouse_run(self.base + result.path)
            attempts += 1
            if report is None:
                # Lighthouse sometimes loses its trace (NO_NAVSTART) on a busy machine.
                if attempts - len(reports) <= LIGHTHOUSE_RETRIES:
                    self.stdout.write(f"lighthouse: {result.path} again ({error[-1]})")
                    continue
                result.fail("lighthouse", "Lighthouse did not finish", error)
                return
            reports.append(report)
            score = (report["categories"].get("performance") or {}).get("score")
            if len(reports) == 1 and score is not None and score * 100 >= THRESHOLDS["performance"]:
                break
        check_lighthouse(result, reports)

    def _lighthouse_run(self, url):
        out = self.tmp / "lighthouse.json"
        out.unlink(missing_ok=True)
        proc = subprocess.run(  # noqa: S603 – fixed arguments
            [
                str(self.node_modules / ".bin/lighthouse"),
                url,
                "--output=json",
                f"--output-path={out}",
                "--quiet",
                "--only-categories=accessibility,best-practices,seo,performance",
                f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "CHROME_PATH": self.chromium},
        )
        if proc.returncode != 0 or not out.exists():
            return None, [f"exit {proc.returncode}", *proc.stderr.strip().splitlines()[-5:]]
        return json.loads(out.read_text()), None


GZIP_TYPES = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/xml",
    "application/rss+xml",
    "text/xml",
    "text/plain",
    "image/svg+xml",
}


class FrontServer:
    """What the web server in front of the portal does in production, for ``make audit``.

    It serves the uploads (Django serves no ``/media/`` without DEBUG) and gzips text responses
    for browsers that accept it (nginx's ``gzip on``), so that Lighthouse weighs the pages as
    readers receive them. Static files come from whitenoise, already compressed.
    """

    def __init__(self, application):
        from whitenoise import WhiteNoise

        self.application = WhiteNoise(
            application, root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL
        )

    def __call__(self, environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return self.application(environ, start_response)
        started, chunks = {}, []

        def capture(status, headers, exc_info=None):
            started.update(status=status, headers=headers, exc_info=exc_info)
            return chunks.append

        response = self.application(environ, capture)
        try:
            chunks.extend(response)
        finally:
            if hasattr(response, "close"):
                response.close()
        body, headers = b"".join(chunks), started["headers"]
        names = {name.lower(): value for name, value in headers}
        content_type = names.get("content-type", "").split(";")[0].strip()
        if len(body) > 256 and "content-encoding" not in names and content_type in GZIP_TYPES:
            body = gzip.compress(body, compresslevel=6)
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
            headers += [
                ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(body))),
                ("Vary", "Accept-Encoding"),
            ]
        start_response(started["status"], headers, started["exc_info"])
        return [body]


def wsgi_front_server():
    """``gunicorn 'portal.management.commands.audit:wsgi_front_server()'`` (make audit only)."""
    from portal.wsgi import application

    return FrontServer(application)
