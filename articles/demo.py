"""Demo categories and articles in the portal's own words, with pictures drawn by Pillow.

Existing categories and articles (found by slug) are left exactly as staff have them.
"""

import io
import re
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageDraw

from articles import figures
from articles.models import Article, ArticleFigure, Category, Tag
from indicators import drafting
from indicators.models import Indicator, Program
from indicators.reporting import build_report

CATEGORIES = [
    # slug, name, parent slug, order
    ("tin-tuc-su-kien", "Tin tức – Sự kiện", None, 1),
    ("kinh-te", "Kinh tế", "tin-tuc-su-kien", 1),
    ("xa-hoi", "Xã hội", "tin-tuc-su-kien", 2),
    ("chinh-quyen", "Chính quyền", None, 2),
    ("thong-bao", "Thông báo", None, 3),
]
SIZE = (1600, 900)


def _png(draw_fn):
    image = Image.new("RGB", SIZE, "#f4efe6")
    draw_fn(ImageDraw.Draw(image))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _chart(values):
    """Bars for percentages of plan, with a line at 100%."""

    def draw(canvas):
        canvas.rectangle([0, 0, SIZE[0], 120], fill="#b3261e")
        base, left, step = 820, 160, (SIZE[0] - 240) // max(1, len(values))
        canvas.line([100, base - 600, SIZE[0] - 60, base - 600], fill="#555555", width=4)
        for number, percent in enumerate(values):
            height = int(min(percent, 120) * 6)
            x = left + number * step
            canvas.rectangle([x, base - height, x + step - 60, base], fill="#1f6f8b")
        canvas.line([100, base, SIZE[0] - 60, base], fill="#222222", width=6)

    return draw


def _fields(colour):
    def draw(canvas):
        for row in range(9):
            shade = colour if row % 2 else "#6a994e"
            canvas.polygon(
                [
                    (0, 420 + row * 60),
                    (SIZE[0], 360 + row * 70),
                    (SIZE[0], 430 + row * 70),
                    (0, 480 + row * 60),
                ],
                fill=shade,
            )
        canvas.ellipse([1250, 80, 1450, 280], fill="#f2b705")

    return draw


def _building(draw):
    draw.rectangle([0, 700, SIZE[0], SIZE[1]], fill="#9c9c9c")
    draw.rectangle([450, 300, 1150, 700], fill="#f6e7c1", outline="#7a5c2e", width=8)
    for x in range(520, 1100, 140):
        draw.rectangle([x, 380, x + 80, 480], fill="#5b8fb9")
        draw.rectangle([x, 540, x + 80, 640], fill="#5b8fb9")
    draw.polygon([(420, 300), (800, 140), (1180, 300)], fill="#b3261e")


def _picture(slug, draw_fn):
    """Store the drawn picture once under a fixed name; return (name, width, height)."""
    name = f"articles/demo/{slug}.png"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(_png(draw_fn)))
    return name, *SIZE


# The figures the 10-month report quotes: number, measure, indicator code (or program code
# for a table). They are frozen when the article is published, like any editor's.
REPORT_FIGURES = [
    (1, "year_to_date", "LD-1"),
    (2, "percent", "LD-1"),
    (3, "target", "LD-1"),
    (4, "year_to_date", "GN-12-TL"),
    (5, "year_to_date", "YT-5"),
    (6, "year_to_date", "NTM-1"),
    (7, "table", "tiem-chung"),
    (8, "year_to_date", "CCHC-6"),
]


def _report_article():
    report = build_report(2022, 10)
    percents = [
        row.total.percent
        for row in (report.row(code) for code in ("LD-1", "YT-5", "TC-1", "GD-4"))
        if row.total.percent is not None
    ]
    body = (
        "<p>Số liệu dưới đây do các xã, thị trấn nhập trên cổng thông tin và được phòng "
        "chuyên môn của huyện duyệt; mỗi con số được lấy trực tiếp từ báo cáo tháng.</p>"
        "<h2>Việc làm và giảm nghèo</h2>"
        "<p>Đến cuối tháng 10, toàn huyện đã giải quyết việc làm mới cho [số liệu 1] "
        "lao động, bằng [số liệu 2] kế hoạch năm ([số liệu 3] lao động). "
        "Tỷ lệ hộ nghèo của huyện còn [số liệu 4].</p>"
        "<h2>Y tế và nông thôn mới</h2>"
        "<p>Huyện có [số liệu 5] người tham gia bảo hiểm y tế và [số liệu 6] xã đạt chuẩn "
        "nông thôn mới. Kết quả tiêm chủng của huyện:</p>"
        "<p>[số liệu 7]</p>"
        "<h2>Cải cách hành chính</h2>"
        "<p>Bộ phận một cửa các cấp đã tiếp nhận [số liệu 8] hồ sơ qua dịch vụ công. "
        "Huyện tiếp tục đôn đốc các xã trả kết quả đúng hẹn trong hai tháng cuối năm.</p>"
    )
    jobs, insured, ntm = (report.row(code).total for code in ("LD-1", "YT-5", "NTM-1"))
    return {
        "title": "Lộc Ninh: kết quả kinh tế – xã hội 10 tháng năm 2022",
        "lead": (
            f"Giải quyết việc làm cho {jobs.value_text} lao động, {insured.value_text} người "
            f"tham gia bảo hiểm y tế, {ntm.value_text} xã đạt chuẩn nông thôn mới: đó là một số "
            "kết quả nổi bật của huyện sau mười tháng."
        ),
        "body": body,
        "figures": REPORT_FIGURES,
        "period": (2022, 10),
        "categories": ["kinh-te"],
        "tags": ["Báo cáo", "Kinh tế – xã hội", "Năm 2022"],
        "featured": True,
        "cover": _chart([float(p) for p in percents]),
        "cover_alt": "Biểu đồ cột: tỷ lệ hoàn thành kế hoạch của bốn chỉ tiêu",
        "cover_caption": "Tỷ lệ hoàn thành kế hoạch năm của một số chỉ tiêu (số liệu minh họa).",
        "source": "Tổng hợp từ báo cáo tháng của các xã, thị trấn",
        "when": (2022, 10, 28, 4, 0),
    }


def _quote_figures(article, spec):
    """The figures the article quotes, then frozen as published."""
    year, month = spec["period"]
    indicators = {i.code: i for i in Indicator.objects.all()}
    programs = {p.code: p for p in Program.objects.all()}
    for number, measure, code in spec["figures"]:
        table = measure == ArticleFigure.Measure.TABLE
        ArticleFigure.objects.create(
            article=article,
            number=number,
            measure=measure,
            indicator=None if table else indicators[code],
            program=programs[code] if table else None,
            year=year,
            month=month,
        )
    figures.freeze_figures(article)


DRAFTED_SLUG = "bao-cao-ket-qua-thuc-hien-chi-tieu-10-thang-nam-2022"


def load_drafted_report(author):
    """The monthly report as an editor makes it: drafted from the figures, edited, published."""
    if Article.objects.filter(slug=DRAFTED_SLUG).exists():
        return
    article = drafting.draft_article_create(
        user=author,
        year=2022,
        month=10,
        period=drafting.PERIOD_YTD,
        programs=list(Program.objects.order_by("order")),
    )
    # What the editor did to the draft: a title and lead of their own, the checks done (the
    # flagged paragraphs removed once each figure was confirmed with the commune).
    body = re.sub(r"<p><strong>\[Cần kiểm tra\].*?</p>(<ul>.*?</ul>)?", "", article.body)
    article.slug = DRAFTED_SLUG
    article.title = "Báo cáo kết quả thực hiện các chỉ tiêu 10 tháng năm 2022"
    article.lead = (
        "Kết quả từng chương trình của huyện từ đầu năm đến hết tháng 10, tổng hợp từ số liệu "
        "các xã, thị trấn đã được duyệt."
    )
    article.body = (
        "<p>Bài viết được soạn từ số liệu đã duyệt trên cổng thông tin, biên tập viên "
        "kiểm tra từng chỉ tiêu trước khi đăng.</p>" + body
    )
    article.source = "Văn phòng HĐND và UBND huyện"
    article.status = Article.Status.PUBLISHED
    article.publish_at = timezone.make_aware(datetime(2022, 11, 3, 8, 0))  # noqa: DTZ001
    article.save(editor=author)
    article.categories.set(Category.objects.filter(slug="chinh-quyen"))
    article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in ("Báo cáo", "Năm 2022")])


def _articles():
    return {
        "loc-ninh-ket-qua-kinh-te-xa-hoi-10-thang-nam-2022": _report_article(),
        "vu-mua-boi-thu-tren-dong-loc-tan": {
            "title": "Vụ mùa bội thu trên đồng Lộc Tấn",
            "lead": "Nông dân Lộc Tấn thu hoạch vụ mùa sớm nhờ giống mới và lịch thời vụ hợp lý.",
            "body": (
                "<p>Những ngày cuối tháng 10, các cánh đồng của xã rộn ràng tiếng máy gặt. "
                "Tổ khuyến nông xã hướng dẫn bà con ghi chép chi phí để so sánh giữa các vụ.</p>"
                "<blockquote>Năm nay làm đất sớm nên lúa trổ đều, ít sâu bệnh.</blockquote>"
            ),
            "categories": ["kinh-te"],
            "tags": ["Nông nghiệp", "Năm 2022"],
            "cover": _fields("#a7c957"),
            "cover_alt": "Tranh minh họa: những thửa ruộng xanh dưới mặt trời",
            "cover_caption": "Tranh minh họa cánh đồng (hình vẽ của cổng thông tin).",
            "source": "Ủy ban nhân dân xã Lộc Tấn",
            "when": (2022, 10, 25, 9, 30),
        },
        "ngay-hoi-dai-doan-ket-o-khu-dan-cu": {
            "title": "Ngày hội đại đoàn kết ở các khu dân cư",
            "lead": (
                "Các ấp, khóm tổ chức gặp mặt, tặng quà gia đình khó khăn "
                "và khen thưởng hộ tiêu biểu."
            ),
            "body": (
                "<p>Ban công tác Mặt trận ở các khu dân cư chuẩn bị ngày hội từ đầu tháng 11, "
                "với các trò chơi dân gian và bữa cơm chung của bà con.</p>"
            ),
            "categories": ["xa-hoi"],
            "tags": ["Văn hóa – xã hội"],
            "cover": _fields("#f28482"),
            "cover_alt": "Tranh minh họa nhiều màu cho ngày hội",
            "when": (2022, 11, 10, 8, 0),
        },
        "chuyen-doi-so-trong-giai-quyet-thu-tuc-hanh-chinh": {
            "title": "Chuyển đổi số trong giải quyết thủ tục hành chính",
            "lead": "Người dân nộp hồ sơ trực tuyến và theo dõi kết quả ngay trên điện thoại.",
            "body": (
                "<p>Huyện khuyến khích người dân dùng dịch vụ công trực tuyến; cán bộ một cửa "
                "hỗ trợ tạo tài khoản tại chỗ cho người lần đầu sử dụng.</p>"
            ),
            "categories": ["chinh-quyen"],
            "tags": ["Cải cách hành chính", "Kinh tế – xã hội"],
            "cover": _building,
            "cover_alt": "Tranh minh họa trụ sở một cửa của huyện",
            "when": (2022, 11, 2, 14, 0),
        },
        "lich-tiep-cong-dan-thang-12-nam-2022": {
            "title": "Lịch tiếp công dân tháng 12 năm 2022",
            "lead": "Lãnh đạo Ủy ban nhân dân huyện tiếp công dân định kỳ vào thứ năm hằng tuần.",
            "body": (
                "<p>Địa điểm: Trụ sở tiếp công dân của huyện (thông tin minh họa).</p>"
                "<ul><li>Thứ năm, 01/12/2022</li><li>Thứ năm, 15/12/2022</li></ul>"
            ),
            "categories": ["thong-bao"],
            "tags": [],
            "when": (2022, 11, 28, 7, 0),
        },
    }


def load_article_demo():
    """Create the demo categories, tags and articles that do not exist yet."""
    categories = {}
    for slug, name, parent, order in CATEGORIES:
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "parent": categories.get(parent), "order": order}
        )
    author = get_user_model().objects.filter(username="bientap").first()
    for slug, spec in _articles().items():
        if Article.objects.filter(slug=slug).exists():
            continue
        article = Article(
            slug=slug,
            title=spec["title"],
            lead=spec["lead"],
            body=spec["body"],
            source=spec.get("source", ""),
            featured=spec.get("featured", False),
            author=author,
            status=Article.Status.PUBLISHED,
            publish_at=timezone.make_aware(datetime(*spec["when"])),  # noqa: DTZ001
        )
        if "cover" in spec:
            name, width, height = _picture(slug, spec["cover"])
            article.cover = name
            article.cover_width, article.cover_height = width, height
            article.cover_alt = spec["cover_alt"]
            article.cover_caption = spec.get("cover_caption", "")
            article.cover_credit = "Cổng thông tin điện tử huyện"
        article.save(editor=author)
        article.categories.set([categories[c] for c in spec["categories"]])
        article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in spec["tags"]])
        if "figures" in spec:
            _quote_figures(article, spec)
    load_drafted_report(author)
