"""The soak's simulated people: readers (pages, searches, ratings), clerks saving their month's
figures and officers exporting every figure of the year, each a thread until told to stop.

Every request is recorded (when, what, status, time); every save, rating and article page the
portal acknowledged is recorded with what it carried, to be looked for in the database after.
"""

import json
import random
import threading
import time
from dataclasses import asdict, dataclass, field

from portal.loadtest.browser import Browser, location_path
from portal.loadtest.forms import find_form


@dataclass
class Record:
    role: str
    kind: str
    method: str
    status: int
    started: float
    seconds: float
    error: str = ""
    html: bool = False  # a page the visitor statistics count (200 text/html, not admin)


@dataclass
class Results:
    records: list = field(default_factory=list)
    saves: list = field(default_factory=list)  # every save attempt and whether acknowledged
    ratings: list = field(default_factory=list)  # acknowledged ratings: slug, token, score
    views: list = field(default_factory=list)  # article pages: slug, address, agent, cookie
    samples: dict = field(default_factory=dict)  # one body per status ≥ 500, for the report
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, role, kind, method, response, path=""):
        html = (
            method == "GET"
            and response.status == 200
            and response.headers.get("content-type", "").startswith("text/html")
            and not path.startswith("/admin/")
        )
        record = Record(
            role, kind, method, response.status, response.started, response.seconds,
            response.error, html,
        )  # fmt: skip
        with self.lock:
            self.records.append(record)
            if response.status >= 500 and response.status not in self.samples:
                retry = response.headers.get("retry-after", "")
                self.samples[response.status] = {"retry_after": retry, "body": response.text}
        return response

    def dump(self, path, **more):
        data = {
            **more,
            "records": [asdict(r) for r in self.records],
            "saves": self.saves,
            "ratings": self.ratings,
            "views": self.views,
            "samples": self.samples,
        }
        path.write_text(json.dumps(data, ensure_ascii=False))


class Person(threading.Thread):
    role = "person"

    def __init__(self, number, plan, port, results, stop, rng_seed):
        super().__init__(daemon=True, name=f"{self.role}-{number}")
        self.number = number
        self.plan = plan
        self.port = port
        self.results = results
        self.stop = stop
        self.rng = random.Random(rng_seed)  # noqa: S311 - traffic, not secrets
        self.browser = self.new_browser()

    def new_browser(self):
        address = f"10.{self.number % 250}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"
        agent = f"Mozilla/5.0 (X11; Linux x86_64) Soak/{self.role}-{self.number}"
        return Browser(self.port, address, agent)

    def send(self, kind, method, path, data=None, headers=None):
        response = self.browser.request(method, path, data=data, headers=headers)
        return self.results.add(self.role, kind, method, response, path)

    def pause(self, low, high):
        self.stop.wait(self.rng.uniform(low, high))

    def run(self):
        while not self.stop.is_set():
            try:
                self.step()
            except Exception as error:  # a bug in the soak itself must not end the run quietly
                with self.results.lock:
                    self.results.records.append(
                        Record(self.role, "client-bug", "-", -1, time.time(), 0, repr(error))
                    )
                self.pause(0.5, 1)


class Reader(Person):
    role = "reader"
    CHOICES = (
        ("home", 20),
        ("article", 35),
        ("news", 10),
        ("results", 10),
        ("unit", 5),
        ("search", 10),
        ("rating", 5),
        ("category", 5),
    )

    def step(self):
        self.done = getattr(self, "done", 0) + 1
        if self.done % 40 == 0:  # another reader on this connection: a new address and cookies
            self.browser = self.new_browser()
        kinds, weights = zip(*self.CHOICES, strict=True)
        kind = self.rng.choices(kinds, weights)[0]
        plan = self.plan
        if kind == "rating":
            self.rate(self.rng.choice(plan["articles"]))
        elif kind == "article":
            slug = self.rng.choice(plan["articles"])
            response = self.send("article", "GET", f"/tin-tuc/{slug}/")
            if response.status == 200:
                browser = self.browser
                with self.results.lock:
                    # A reader who rated has a cookie: their views are counted by it.
                    who = browser.cookies.get("ban_doc") or ""
                    self.results.views.append(
                        [slug, browser.address, browser.agent, who, response.started]
                    )
        else:
            path = {
                "home": "/",
                "news": "/tin-tuc/",
                "results": "/ket-qua/",
                "unit": f"/ket-qua/xa/{self.rng.choice(plan['units'])}/",
                "search": f"/tim-kiem/?q={self.rng.choice(plan['searches'])}",
                "category": f"/tin-tuc/chuyen-muc/{self.rng.choice(plan['categories'])}/",
            }[kind]
            self.send(kind, "GET", path)
        self.pause(0, 0.3)

    def rate(self, slug):
        page = self.send("rating", "GET", f"/tin-tuc/{slug}/danh-gia/")
        fields = find_form(page.text, "score") if page.status == 200 else None
        if fields is None:
            return
        score = self.rng.randint(1, 5)
        fields["score"] = str(score)
        had = self.browser.cookies.get("ban_doc")
        response = self.send(
            "rating", "POST", f"/tin-tuc/{slug}/danh-gia/", fields, {"Accept": "application/json"}
        )
        try:
            answer = json.loads(response.body) if response.status == 200 else {}
        except ValueError:
            answer = {}
        token = self.browser.cookies.get("ban_doc")
        if answer.get("ok") and token:
            with self.results.lock:
                self.results.ratings.append([slug, token, score, bool(had)])


class Clerk(Person):
    """A commune clerk saving their month again and again, a few figures changed each time."""

    role = "clerk"

    def __init__(self, *args, account, saved_message, **kwargs):
        self.account = account
        self.saved_message = saved_message
        self.signed_in = False
        super().__init__(*args, **kwargs)

    def step(self):
        account = self.account
        if not self.signed_in:
            response = self.browser.login(account["username"], account["password"])
            self.results.add(self.role, "login", "POST", response, "/admin/login/")
            self.signed_in = response.status == 302
            if not self.signed_in:
                self.pause(1, 2)
                return
        url = account["url"]
        page = self.send("entry", "GET", url)
        if page.status == 302:  # signed out (the session ended): sign in again
            self.signed_in = False
            return
        fields = find_form(page.text, "value_") if page.status == 200 else None
        if fields is None:
            self.pause(0.5, 1.5)
            return
        changes = {}
        candidates = [name for name in fields if name.startswith("value_")]
        for name in self.rng.sample(candidates, min(3, len(candidates))):
            choices = [v for v in account["values"].get(name[6:], []) if v != fields[name]]
            if choices:
                changes[name] = self.rng.choice(choices)
        fields.update(changes)
        fields["action"] = "save"
        response = self.send("save", "POST", url, fields)
        acknowledged = response.status == 302 and location_path(response) == url
        if acknowledged:
            after = self.send("entry", "GET", url)
            if after.status == 200 and self.saved_message not in after.text:
                acknowledged = False  # redirected with an error message instead
        with self.results.lock:
            self.results.saves.append(
                {
                    "unit": account["unit"],
                    "year": account["year"],
                    "month": account["month"],
                    "changes": {name[6:]: value for name, value in changes.items()},
                    "acknowledged": acknowledged,
                    "status": response.status,
                    "started": response.started,
                }
            )
        self.pause(0.5, 2)


class Officer(Person):
    """A district officer exporting every figure of the year, as CSV then as XLSX."""

    role = "officer"

    def __init__(self, *args, account, **kwargs):
        self.account = account
        self.signed_in = False
        super().__init__(*args, **kwargs)

    def step(self):
        if not self.signed_in:
            response = self.browser.login(self.account["username"], self.account["password"])
            self.results.add(self.role, "login", "POST", response, "/admin/login/")
            self.signed_in = response.status == 302
            if not self.signed_in:
                self.pause(1, 2)
                return
        year = self.plan["year"]
        choice = self.rng.choice(["csv", "xlsx", "open-data"])
        if choice == "open-data":
            self.send("export", "GET", "/ket-qua/so-lieu.csv")
        else:
            query = f"?year={year}" + ("&format=xlsx" if choice == "xlsx" else "")
            response = self.send("export", "GET", f"/admin/indicators/achievement/stream/{query}")
            if response.status == 302:
                self.signed_in = False
        self.pause(1, 3)
