"""The checks the attack tests rely on find what they must, and only that."""

import pytest

from tests.security.attack import feed_problems, formula_problems
from tests.security.htmlcheck import executable_markup

UNSAFE = [
    "<p><script>alert(1)</script></p>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '<a href=" JaVa\tScRipt:alert(1)">x</a>',
    '<iframe src="https://example.vn/"></iframe>',
    '<div style="width: expression(alert(1))">x</div>',
    '<script type="application/ld+json">{"a": "</p><b>"}</script>',
    '<script type="application/ld+json">{"a": </script>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<base href='https://evil.example/'>",
    '<script src="https://evil.example/x.js"></script>',
]
SAFE = [
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
    '<a href="https://example.vn/?q=javascript:alert(1)">x</a>',
    '<script src="/static/js/rating.js" defer></script>',
    '<script type="application/ld+json">{"headline": "\\u003Cscript\\u003E"}</script>',
    '<input value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">',
    "<textarea>&lt;/textarea&gt;&lt;script&gt;</textarea>",
]


@pytest.mark.parametrize("html", UNSAFE)
def test_markup_that_runs_is_found(html):
    assert executable_markup(html)


@pytest.mark.parametrize("html", SAFE)
def test_escaped_markup_passes(html):
    assert executable_markup(html) == []


def test_formulas_and_feeds():
    assert formula_problems(["=1+1", "+84", "@SUM(A1)", "-x", "\t=1"]) == [
        f"cell that runs as a formula: {cell!r}"
        for cell in ["=1+1", "+84", "@SUM(A1)", "-x", "\t=1"]
    ]
    assert formula_problems(["'=1+1", "-12,5", "bình thường"]) == []
    rss = (
        b"<rss><channel><item><description>&lt;script&gt;x&lt;/script&gt;</description>"
        b"</item></channel></rss>"
    )
    assert feed_problems(rss)
    assert not feed_problems(rss.replace(b"&lt;script", b"&amp;lt;script"))
    assert feed_problems(b"<rss><unclosed></rss>")
