"""Read an HTML form's fields as a browser would send them (for the load tools' staff)."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.current = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"action": attrs.get("action") or "", "fields": {}, "names": set()}
            self.forms.append(self.current)
            return
        if self.current is None or not attrs.get("name"):
            return
        name = attrs["name"]
        self.current["names"].add(name)
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind == "checkbox" else ""
            self.current["fields"][name] = attrs.get("value") or default
        elif tag == "textarea":
            self.textarea = name
            self.current["fields"][name] = ""
        elif tag == "select":
            self.current["fields"].setdefault(name, "")

    def handle_data(self, data):
        if self.textarea and self.current is not None:
            self.current["fields"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None


def find_form(html, has_field):
    """The fields (name -> value) of the first form with a field whose name starts so (an
    unchecked box or radio button counts, though it sends nothing)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if any(name.startswith(has_field) for name in form["names"]):
            return form["fields"]
    return None
