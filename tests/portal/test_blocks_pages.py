"""Introduction pages, the contact form and its answers, the demo blocks."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from portal.models import ContactMessage, IntroPage, Link, MenuItem

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"
MESSAGE = {
    "name": "Nguyễn Thị Hoa",
    "email": "hoa@example.vn",
    "phone": "0912 345 678",
    "subject": "Hỏi về cấp giấy phép xây dựng",
    "message": "Xin hỏi thủ tục cấp phép xây nhà ở xã Lộc An cần những giấy tờ gì?",
    "website": "",
}


def reader():
    return Client(HTTP_USER_AGENT=BROWSER)


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("quantri", "qt@example.vn", "mat-khau-dai")


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


# Introduction pages ---------------------------------------------------------------------------


def test_intro_pages_are_cleaned_listed_and_cached(site_settings, django_assert_max_num_queries):
    page = IntroPage.objects.create(
        title="Lịch sử – văn hóa",
        summary="Vài nét về vùng đất.",
        body='<p onclick="x()">Đoạn một <a href="https://vi.wikipedia.org/">nguồn</a></p>'
        "<script>alert(1)</script><style>p{}</style>",
    )
    assert page.slug == "lich-su-van-hoa"
    assert "<script" not in page.body and "alert" not in page.body and "onclick" not in page.body
    assert 'rel="noopener noreferrer"' in page.body
    with django_assert_max_num_queries(9):
        response = reader().get("/gioi-thieu/lich-su-van-hoa/")
    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert '<h1 class="page-title">Lịch sử – văn hóa</h1>' in html
    assert "Đoạn một" in html and "<script>alert" not in html
    assert 'href="/gioi-thieu/" aria-current="page">Giới thiệu</a>' in html
    with django_assert_max_num_queries(0):
        reader().get("/gioi-thieu/lich-su-van-hoa/")
    index = reader().get("/gioi-thieu/").content.decode()
    assert 'href="/gioi-thieu/lich-su-van-hoa/">Lịch sử – văn hóa</a>' in index
    page.title = "Lịch sử và văn hóa"
    page.save()
    assert "Lịch sử và văn hóa" in reader().get("/gioi-thieu/lich-su-van-hoa/").content.decode()


def test_an_unpublished_page_is_hidden_from_readers_and_previewed_by_staff(staff, site_settings):
    IntroPage.objects.create(title="Bản nháp", body="<p>Chưa xong</p>", is_published=False)
    assert reader().get("/gioi-thieu/ban-nhap/").status_code == 404
    assert "Bản nháp" not in reader().get("/gioi-thieu/").content.decode()
    preview = staff.get("/gioi-thieu/ban-nhap/")
    assert preview.status_code == 200 and "no-cache" in preview["Cache-Control"]
    assert "Xem trước: trang này chưa được đăng." in preview.content.decode()


def test_staff_write_an_intro_page_in_the_admin(staff, site_settings):
    response = staff.get("/admin/portal/intropage/add/")
    html = response.content.decode()
    assert "Thêm trang giới thiệu" in html and "prose-editor" in html
    response = staff.post(
        "/admin/portal/intropage/add/",
        {
            "title": "Cơ cấu tổ chức",
            "slug": "",
            "kind": "organisation",
            "summary": "",
            "body": "<h2>Các phòng</h2><p>Văn phòng</p><img src=x onerror=alert(1)>",
            "order": 1,
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    page = IntroPage.objects.get()
    assert page.slug == "co-cau-to-chuc" and "onerror" not in page.body


def test_admin_lists_are_bounded(staff, site_settings, django_assert_max_num_queries):
    for number in range(30):
        IntroPage.objects.create(title=f"Trang {number}")
        Link.objects.create(title=f"Liên kết {number}", url=f"https://s{number}.example.vn/")
        ContactMessage.objects.create(name="A", subject=f"Thư {number}", message="Nội dung")
        MenuItem.objects.create(
            title=f"Mục {number}",
            url=f"/m/{number}/",
            parent=MenuItem.objects.get(url="/gioi-thieu/"),
        )
    for url in ["intropage", "link", "contactmessage", "menuitem", "maintenancenotice"]:
        with django_assert_max_num_queries(12):
            response = staff.get(f"/admin/portal/{url}/")
        assert response.status_code == 200, url


# Contact --------------------------------------------------------------------------------------


def test_a_reader_sends_a_message_that_staff_find_in_the_admin(client, site_settings):
    page = client.get("/lien-he/")
    html = page.content.decode()
    assert "csrfmiddlewaretoken" in html and site_settings.address in html
    assert '<label for="id_name">Họ và tên của bạn *</label>' in html
    response = client.post("/lien-he/", MESSAGE, follow=True)
    assert "Cảm ơn bạn. Thư của bạn đã được gửi đến cán bộ của huyện." in (
        response.content.decode()
    )
    message = ContactMessage.objects.get()
    assert message.status == "new" and message.subject == MESSAGE["subject"]
    assert len(message.ip_hash) == 64 and "127.0.0.1" not in message.ip_hash


def test_bad_input_gets_vietnamese_messages_and_keeps_what_was_typed(client, site_settings):
    response = client.post(
        "/lien-he/",
        {**MESSAGE, "name": "", "email": "khong-phai-thu", "phone": "abc", "message": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400
    for text in [
        "Vui lòng nhập họ và tên.",
        "Hãy nhập địa chỉ thư điện tử, ví dụ ten@example.vn.",
        "Hãy nhập số điện thoại chỉ gồm chữ số",
        "Vui lòng viết nội dung thư.",
        "nội dung bạn đã viết vẫn được giữ lại",
    ]:
        assert text in html, text
    assert MESSAGE["subject"] in html and 'value="khong-phai-thu"' in html
    assert not ContactMessage.objects.exists()


def test_robots_and_floods_are_held_off(client, site_settings):
    response = client.post("/lien-he/", {**MESSAGE, "website": "http://spam.example"}, follow=True)
    assert "Cảm ơn bạn" in response.content.decode()
    assert not ContactMessage.objects.exists()
    for _number in range(3):
        assert client.post("/lien-he/", MESSAGE).status_code == 302
    response = client.post("/lien-he/", MESSAGE)
    assert response.status_code == 429
    assert "Có quá nhiều thư từ kết nối của bạn" in response.content.decode()
    assert ContactMessage.objects.count() == 3


def test_the_contact_form_needs_its_csrf_token(site_settings):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/lien-he/", MESSAGE).status_code == 403
    assert not ContactMessage.objects.exists()


def test_staff_answer_and_the_answer_is_emailed(staff, admin_user, site_settings):
    message = ContactMessage.objects.create(**{k: v for k, v in MESSAGE.items() if k != "website"})
    url = f"/admin/portal/contactmessage/{message.pk}/change/"
    page = staff.get(url).content.decode()
    assert "Thư của bạn đọc" in page and MESSAGE["message"] in page
    response = staff.post(url, {"status": "new", "answer": "", "send_email": "on"})
    assert "Hãy viết câu trả lời trước khi gửi qua thư điện tử." in response.content.decode()
    response = staff.post(
        url,
        {
            "status": "new",
            "answer": "Bạn mang sổ đỏ và bản vẽ đến bộ phận một cửa.",
            "send_email": "on",
        },
        follow=True,
    )
    assert "Câu trả lời đã được gửi đến hoa@example.vn." in response.content.decode()
    message.refresh_from_db()
    assert message.status == "answered" and message.answered_by == admin_user
    assert message.answered_at and message.answer_emailed_at
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["hoa@example.vn"]
    assert sent.subject == "Trả lời: Hỏi về cấp giấy phép xây dựng"
    assert "Bạn mang sổ đỏ" in sent.body and "Kính gửi Nguyễn Thị Hoa" in sent.body
    assert staff.get("/admin/portal/contactmessage/add/").status_code == 403


def test_an_answer_is_kept_when_the_mail_server_fails(staff, site_settings):
    message = ContactMessage.objects.create(
        name="B", email="b@example.vn", subject="S", message="M"
    )
    url = f"/admin/portal/contactmessage/{message.pk}/change/"
    with mock.patch("portal.blocks.send_mail", side_effect=OSError("no server")):
        response = staff.post(
            url, {"status": "new", "answer": "Trả lời", "send_email": "on"}, follow=True
        )
    assert "chưa gửi được thư điện tử" in response.content.decode()
    message.refresh_from_db()
    assert message.answer == "Trả lời" and message.status == "answered"
    assert message.answer_emailed_at is None


def test_an_answer_without_an_email_address(staff, site_settings):
    message = ContactMessage.objects.create(name="C", subject="S", message="M")
    url = f"/admin/portal/contactmessage/{message.pk}/change/"
    response = staff.post(url, {"status": "new", "answer": "Đã gọi", "send_email": "on"})
    assert "Bạn đọc không để lại địa chỉ thư điện tử" in response.content.decode()
    assert staff.post(url, {"status": "answered", "answer": "Đã gọi điện"}).status_code == 302
    message.refresh_from_db()
    assert message.status == "answered" and message.answered_at and not mail.outbox


# Demo -----------------------------------------------------------------------------------------


def test_the_demo_blocks_load_twice_without_duplicates(site_settings):
    from portal.blocks_demo import load_blocks_demo

    load_blocks_demo()
    counts = (IntroPage.objects.count(), Link.objects.count(), MenuItem.objects.count())
    load_blocks_demo()
    assert (
        counts
        == (IntroPage.objects.count(), Link.objects.count(), MenuItem.objects.count())
        == (4, 3, 10)
    )
    html = reader().get("/gioi-thieu/lanh-dao/").content.decode()
    assert "Lãnh đạo huyện" in html and "<table>" in html
    menu = reader().get("/").content.decode()
    assert 'href="/gioi-thieu/co-cau-to-chuc/">Cơ cấu tổ chức</a>' in menu
