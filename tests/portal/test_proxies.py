"""Behind a load balancer and nginx, readers are told apart by the address the proxies saw."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from portal.proxies import ForwardedForMiddleware, forwarded_client
from portal.readers import client_ip
from portal.visits import visitor_id

factory = RequestFactory()


@pytest.mark.parametrize(
    ("header", "proxies", "expected"),
    [
        ("203.0.113.7", 1, "203.0.113.7"),  # nginx alone appended the reader
        ("6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),  # the reader's own entry is ignored
        ("203.0.113.7, 10.0.0.2", 2, "203.0.113.7"),  # balancer, then nginx
        ("6.6.6.6, 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"),
        ("10.0.0.2", 2, None),  # fewer entries than proxies: not believed
        ("[2001:db8::7]:443, 10.0.0.2", 2, "2001:db8::7"),
        ("203.0.113.7:51234", 1, "203.0.113.7"),
        ("unknown", 1, None),
        ("", 1, None),
        ("203.0.113.7", 0, None),
    ],
)
def test_the_reader_is_the_entry_the_outermost_trusted_proxy_wrote(header, proxies, expected):
    assert forwarded_client(header, proxies) == expected


def seen_address(settings, proxies, **meta):
    settings.TRUSTED_PROXY_COUNT = proxies
    seen = {}

    def view(request):
        seen["ip"] = client_ip(request)
        seen["visitor"] = visitor_id(request)
        return HttpResponse()

    ForwardedForMiddleware(view)(factory.get("/", **meta))
    return seen


def test_two_readers_behind_the_proxies_are_two_visitors(settings):
    one = seen_address(
        settings, 2, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.2"
    )
    two = seen_address(
        settings, 2, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="5.6.7.8, 10.0.0.2"
    )
    assert (one["ip"], two["ip"]) == ("1.2.3.4", "5.6.7.8")
    assert one["visitor"] != two["visitor"]


def test_without_proxies_the_header_is_never_believed(settings):
    seen = seen_address(settings, 0, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert seen["ip"] == "203.0.113.7"


def test_the_address_is_set_before_anything_reads_it(settings):
    order = settings.MIDDLEWARE
    position = order.index("portal.proxies.ForwardedForMiddleware")
    readers = [name for name in order if "visits" in name or "axes" in name]
    assert readers and all(order.index(name) > position for name in readers)
