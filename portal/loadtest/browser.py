"""A small HTTP client with cookies for the soak's simulated readers and staff (loopback)."""

import http.client
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from portal.loadtest.forms import find_form


@dataclass
class Response:
    status: int  # 0: no response (connection refused, reset or timed out)
    headers: dict
    body: bytes
    started: float
    seconds: float
    error: str = ""

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """One reader or staff member: their address, browser and cookies; a connection a request."""

    port: int
    address: str
    agent: str
    timeout: float = 60.0
    cookies: dict = field(default_factory=dict)

    def request(self, method, path, data=None, headers=None):
        headers = {"User-Agent": self.agent, "X-Forwarded-For": self.address, **(headers or {})}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.time()
        clock = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            status, received = response.status, response.getheaders()
        except (OSError, http.client.HTTPException) as error:
            return Response(0, {}, b"", started, time.monotonic() - clock, repr(error))
        finally:
            connection.close()
        self._keep_cookies(received)
        names = {}
        for name, value in received:
            names.setdefault(name.lower(), value)
        return Response(status, names, content, started, time.monotonic() - clock)

    def _keep_cookies(self, headers):
        for name, value in headers:
            if name.lower() != "set-cookie":
                continue
            for key, morsel in SimpleCookie(value).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)

    def login(self, username, password, path="/admin/login/"):
        """Sign in through the admin's login form; the final response (302 when signed in)."""
        page = self.get(path)
        fields = find_form(page.text, "password") if page.status == 200 else None
        if fields is None:
            return page
        fields.update({"username": username, "password": password})
        return self.post(path, fields)


def location_path(response):
    """The path (and query) a redirect points to."""
    parts = urlsplit(response.headers.get("location", ""))
    return parts.path + (f"?{parts.query}" if parts.query else "")
