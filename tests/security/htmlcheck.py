"""Find markup a browser would run in a page: parsed, not searched for as text."""

import json
import re
from html.parser import HTMLParser

# Scripts the portal writes itself: files under /static/ and its JSON-LD block.
OWN_SCRIPT_SRC = re.compile(r"^/static/[\w./-]+\.m?js$")
DANGEROUS_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcset",
    "ping",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
# What browsers ignore in a URL's scheme: whitespace and control characters.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]+")


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._script = None  # (attributes, collected text) of the open <script>
        self._style = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attrs:
            self._check_attribute(tag, name, value or "")
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            self._script = (attributes, [])
        if tag == "style":
            self._style = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        if self._style is not None:
            self._style.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self._check_script(*self._script)
            self._script = None
        if tag == "style" and self._style is not None:
            css = "".join(self._style).lower()
            if "expression(" in css or "javascript:" in css or "-moz-binding" in css:
                self.problems.append(f"<style> with script: {css[:80]!r}")
            self._style = None

    def _check_attribute(self, tag, name, value):
        name = name.lower()
        if name.startswith("on"):
            self.problems.append(f"event handler {name}= on <{tag}>: {value[:60]!r}")
        if name in URL_ATTRIBUTES:
            scheme = IGNORED_IN_SCHEME.sub("", value).lower()
            if scheme.startswith(BAD_SCHEMES):
                self.problems.append(f"{name}= with a script URL on <{tag}>: {value[:60]!r}")
        if name == "style":
            css = IGNORED_IN_SCHEME.sub("", value).lower()
            if "expression(" in css or "javascript:" in css or "url(" in css and "script" in css:
                self.problems.append(f"style= with script on <{tag}>: {value[:60]!r}")

    def _check_script(self, attributes, text):
        source = "".join(text)
        kind = attributes.get("type", "")
        if kind == "application/ld+json":
            if "<" in source:
                self.problems.append(f"'<' inside JSON-LD: {source[:80]!r}")
            try:
                json.loads(source)
            except ValueError:
                self.problems.append(f"JSON-LD that is not JSON: {source[:80]!r}")
            return
        if kind == "importmap":  # django-prose-editor's: names of our own static modules
            urls = json.loads(source).get("imports", {}).values()
            if not all(OWN_SCRIPT_SRC.match(url) for url in urls):
                self.problems.append(f"import map beyond /static/: {source[:80]!r}")
            return
        src = attributes.get("src", "")
        if src and OWN_SCRIPT_SRC.match(src) and not source.strip():
            return
        if src.startswith("/static/admin/") or src.startswith("/static/import_export/"):
            return  # Django's own admin scripts
        if src.startswith("/admin/jsi18n/"):
            return
        self.problems.append(f"script not ours: src={src!r} {source[:80]!r}")


def executable_markup(html):
    """The problems found in ``html`` (an empty list for a safe page)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.problems


def assert_safe(html, where=""):
    problems = executable_markup(html)
    assert not problems, f"{where}: " + "; ".join(problems)
