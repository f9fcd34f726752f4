import pytest

from articles.models import Article
from articles.sanitize import clean_body

from .conftest import make_article

PAYLOADS = [
    '<script>alert("x")</script>',
    '<img src="x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">bấm</a>',
    '<p style="background:url(javascript:alert(1))">chữ</p>',
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{display:none}</style>",
    '<svg onload="alert(1)"></svg>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payloads_are_stripped(payload):
    cleaned = clean_body(f"<p>Trước</p>{payload}<p>Sau</p>").lower()
    for bad in ["<script", "onerror", "javascript:", "style", "<iframe", "onload", "data:", "<svg"]:
        assert bad not in cleaned
    assert "<p>Trước</p>" in cleaned.replace("trước", "Trước")


def test_allowed_markup_is_kept_and_links_get_a_safe_rel():
    html = (
        "<h2>Tiêu đề</h2><p><strong>đậm</strong> <em>nghiêng</em></p>"
        "<ul><li>một</li></ul><ol><li>hai</li></ol><blockquote>trích</blockquote>"
        '<figure><img src="/media/a.jpg" alt="ảnh" width="10" height="5"><figcaption>chú thích'
        "</figcaption></figure><table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td>"
        "</tr></tbody></table>"
        '<p><a href="https://locninh.example/" target="_blank">liên kết</a></p>'
    )
    cleaned = clean_body(html)
    for kept in [
        "<h2>",
        "<strong>",
        "<em>",
        "<ul>",
        "<ol>",
        "<blockquote>",
        "<figure>",
        '<img src="/media/a.jpg" alt="ảnh" width="10" height="5">',
        "<figcaption>",
        "<table>",
        "<th>",
        "<td>",
    ]:
        assert kept in cleaned
    assert '<a href="https://locninh.example/" rel="noopener noreferrer">liên kết</a>' in cleaned
    assert "target" not in cleaned


def test_h1_and_unknown_tags_are_reduced_to_their_text():
    assert clean_body("<h1>To</h1><div><span class='x'>chữ</span></div>") == "Tochữ"


@pytest.mark.django_db
def test_the_model_stores_only_the_cleaned_body_on_save_and_clean():
    article = make_article(body='<p onclick="x()">Nội dung</p><script>alert(1)</script>')
    article.refresh_from_db()
    assert article.body == "<p>Nội dung</p>"
    article.body = '<p><img src=x onerror="alert(1)"></p>'
    article.full_clean()
    assert article.body == '<p><img src="x"></p>'
    assert Article.objects.filter(body__contains="onerror").count() == 0


@pytest.mark.django_db
def test_the_article_page_shows_no_payload(client):
    article = make_article(body="<p>Sạch</p>" + "".join(PAYLOADS))
    content = client.get(article.get_absolute_url()).content.decode()
    assert "<p>Sạch</p>" in content
    assert "alert(" not in content
