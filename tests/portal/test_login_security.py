"""Staff login: lockout after failures, strong passwords, two-step codes (TOTP)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo import ACCOUNTS

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"
LOGIN = "/admin/login/"
TWO_FACTOR = "/admin/two-factor/"
CODE_STEP = "/admin/two-factor/login/"


@pytest.fixture
def staff(site_settings):
    return get_user_model().objects.create_user("canbo.xa", password=PASSWORD, is_staff=True)


@pytest.fixture
def boss(site_settings):
    return get_user_model().objects.create_superuser("quantri", password=PASSWORD)


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def code(device, steps_ahead=0):
    """The code the phone shows now (or that many 30-second steps later)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, steps_ahead)
    return f"{value:0{device.digits}d}"


def unthrottle(device):
    """As if the few seconds that django-otp asks between wrong codes had passed."""
    device.refresh_from_db()
    device.throttle_reset()


def signed_in(client):
    return client.get("/admin/").status_code == 200


# Lockout (django-axes) ---------------------------------------------------------------------


def test_five_wrong_passwords_lock_this_user_name_from_this_address(client, staff):
    for _attempt in range(4):
        response = sign_in(client, "canbo.xa", "sai-mat-khau-roi")
        assert response.status_code == 200
        assert "Bạn hãy nhập đúng" in response.content.decode()
    response = sign_in(client, "canbo.xa", "sai-mat-khau-roi")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Đăng nhập sai 5 lần liên tiếp" in html
    assert "khoá đăng nhập trong 15 phút" in html
    assert "Bạn có thể thử lại sau" in html
    assert "0271 3 123 456" in html and "lienhe@thunghiem.example" in html  # whom to contact
    # The right password is refused too while the lock lasts…
    assert sign_in(client, "canbo.xa").status_code == 429
    assert not signed_in(client)
    # …but only for this user name from this address: a colleague's computer is not locked.
    assert sign_in(client, "canbo.xa", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, staff):
    for _attempt in range(5):
        sign_in(client, "canbo.xa", "sai-mat-khau-roi")
    assert sign_in(client, "canbo.xa").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "canbo.xa").status_code == 302
    assert signed_in(client)


def test_a_success_clears_earlier_failures(client, staff):
    for _attempt in range(4):
        sign_in(client, "canbo.xa", "sai-mat-khau-roi")
    assert sign_in(client, "canbo.xa").status_code == 302
    client.post("/admin/logout/")
    for _attempt in range(4):
        assert sign_in(client, "canbo.xa", "sai-mat-khau-roi").status_code == 200


def test_superuser_reads_and_lifts_locks_in_vietnamese(client, staff, boss):
    for _attempt in range(5):
        sign_in(client, "canbo.xa", "sai-mat-khau-roi")
    client.force_login(boss)
    index = client.get("/admin/").content.decode()
    assert "Bảo mật đăng nhập" in index
    response = client.get("/admin/axes/accessattempt/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lần đăng nhập sai" in html and "Số lần sai" in html and "Đã khoá" in html
    attempt = AccessAttempt.objects.get()
    response = client.post(
        f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    client.post("/admin/logout/")
    assert sign_in(client, "canbo.xa").status_code == 302


def test_login_page_queries(client, staff, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get(LOGIN).status_code == 200
    with django_assert_max_num_queries(25):
        assert sign_in(client, "canbo.xa").status_code == 302


# Passwords -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ngan-qua-1", "Mật khẩu này quá ngắn: cần ít nhất 12 ký tự"),
        ("394857201938475", "Mật khẩu này hoàn toàn là số"),
        ("password12345", "Mật khẩu này quá phổ biến"),
        ("canbo.xa.2026", "Mật khẩu quá giống với"),
    ],
)
def test_staff_cannot_choose_a_weak_password(client, staff, password, message):
    client.force_login(staff)
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_superuser_cannot_set_a_weak_password_for_someone_else(client, staff, boss):
    client.force_login(boss)
    url = f"/admin/auth/user/{staff.pk}/password/"
    response = client.post(url, {"password1": "ngan-qua-1", "password2": "ngan-qua-1"})
    assert "Mật khẩu này quá ngắn: cần ít nhất 12 ký tự" in response.content.decode()
    strong = "tram-nam-trong-coi-nguoi-ta"
    response = client.post(url, {"password1": strong, "password2": strong})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(strong)


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda account: account.username)
def test_demo_passwords_meet_the_rules(account):
    validate_password(account.password, get_user_model()(username=account.username))
    with pytest.raises(ValidationError):
        validate_password(account.password[:11], get_user_model()(username=account.username))


# Two-step verification (TOTP) ----------------------------------------------------------------


def enrol(client, user):
    """Set up codes through the page, as the user does; return the device."""
    client.force_login(user)
    assert client.post(TWO_FACTOR, {"action": "start"}).status_code == 302
    device = TOTPDevice.objects.get(user=user)
    assert client.post(TWO_FACTOR, {"action": "confirm", "otp_token": code(device)}).status_code
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_staff_sets_up_two_step_verification(client, staff, django_assert_max_num_queries):
    client.force_login(staff)
    html = client.get(TWO_FACTOR).content.decode()
    assert "Xác thực hai bước" in html and "Thiết lập xác thực hai bước" in html
    client.post(TWO_FACTOR, {"action": "start"})
    with django_assert_max_num_queries(12):
        html = client.get(TWO_FACTOR).content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert "<svg" in html and "<path" in html  # the QR code, drawn on the page
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    secret = html.split('class="two-factor-secret">', 1)[1].split("<", 1)[0]
    assert len(secret.replace(" ", "")) == 32
    # A wrong code is refused and nothing changes.
    response = client.post(TWO_FACTOR, {"action": "confirm", "otp_token": "000000"})
    assert "Mã này không đúng" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    response = client.post(TWO_FACTOR, {"action": "confirm", "otp_token": "12ab"})
    assert "Mã gồm 6 chữ số" in response.content.decode()
    unthrottle(device)
    response = client.post(TWO_FACTOR, {"action": "confirm", "otp_token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    html = client.get(TWO_FACTOR).content.decode()
    assert "Xác thực hai bước đang bật" in html
    assert signed_in(client)  # this session was verified by the code


def test_signing_in_asks_for_the_code_once_turned_on(client, staff):
    device = enrol(client, staff)
    client.post("/admin/logout/")
    response = sign_in(client, "canbo.xa")
    assert response.status_code == 302 and response["Location"] == CODE_STEP
    assert not signed_in(client)  # the password alone does not sign in
    page = client.get(CODE_STEP).content.decode()
    assert "nhập mã 6 chữ số" in page and "canbo.xa" in page
    response = client.post(CODE_STEP, {"otp_token": "000000"})
    assert "Mã này không đúng" in response.content.decode()
    assert not signed_in(client)
    unthrottle(device)
    used = code(device, steps_ahead=1)  # the enrolment used the current one
    response = client.post(CODE_STEP, {"otp_token": used})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)
    # The same code cannot be used twice.
    client.post("/admin/logout/")
    sign_in(client, "canbo.xa")
    response = client.post(CODE_STEP, {"otp_token": used})
    assert "Mã này không đúng" in response.content.decode()


def test_wrong_codes_lock_out_like_wrong_passwords(client, staff):
    enrol(client, staff)
    client.post("/admin/logout/")
    sign_in(client, "canbo.xa")
    statuses = [client.post(CODE_STEP, {"otp_token": "000000"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(client, "canbo.xa").status_code == 429


def test_code_step_without_a_password_goes_back_to_login(client, staff):
    response = client.get(CODE_STEP, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:login")
    assert "Hết thời gian nhập mã" in response.content.decode()


def test_a_session_without_the_code_is_not_let_in(client, staff):
    """A session signed in before the codes were turned on elsewhere must verify too."""
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_staff_without_codes_are_not_asked(client, staff, django_assert_max_num_queries):
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        assert client.get("/admin/").status_code == 200
    assert sign_in(client, "canbo.xa").status_code == 302


def test_staff_turn_codes_off_with_a_code(client, staff):
    device = enrol(client, staff)
    response = client.post(TWO_FACTOR, {"action": "disable", "otp_token": "000000"})
    assert "Mã này không đúng" in response.content.decode()
    assert TOTPDevice.objects.filter(user=staff).exists()
    unthrottle(device)
    response = client.post(
        TWO_FACTOR, {"action": "disable", "otp_token": code(device, steps_ahead=1)}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert signed_in(client)
    client.post("/admin/logout/")
    assert sign_in(client, "canbo.xa")["Location"] == "/admin/"


def test_superuser_resets_codes_for_a_lost_phone(client, staff, boss):
    enrol(client, staff)
    client.force_login(boss)
    html = client.get(TWO_FACTOR).content.decode()
    assert "Tắt cho canbo.xa" in html
    response = client.post(TWO_FACTOR, {"action": "reset", "user": staff.pk}, follow=True)
    assert "Đã tắt xác thực hai bước của canbo.xa" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert LogEntry.objects.get(object_id=str(staff.pk)).change_message
    client.post("/admin/logout/")
    assert sign_in(client, "canbo.xa")["Location"] == "/admin/"


def test_only_superusers_reset_others(client, staff, boss):
    enrol(client, boss)
    client.force_login(staff)
    client.post(TWO_FACTOR, {"action": "reset", "user": boss.pk})
    assert TOTPDevice.objects.filter(user=boss).exists()


def test_codes_can_be_required_of_all_staff(client, staff, settings):
    settings.STAFF_2FA_REQUIRED = True
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == TWO_FACTOR
    assert "bắt buộc" in client.get(TWO_FACTOR).content.decode()
    enrol(client, staff)
    assert signed_in(client)
