"""Demo categories and articles in the portal's own words, with pictures drawn by Pillow.

Existing categories and articles (found by slug) are left exactly as staff have them.
"""

import io
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.models import Article, Category, Tag
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


def _report_article():
    report = build_report(2022, 10)

    def row(code):
        return report.row(code).total

    jobs, insured, poor, ntm = row("LD-1"), row("YT-5"), row("GN-12-TL"), row("NTM-1")
    dose1, schools, online = row("TC-1"), row("GD-4"), row("CCHC-6")
    body = (
        "<p>Số liệu dưới đây do các xã, thị trấn nhập trên cổng thông tin và được phòng "
        "chuyên môn của huyện duyệt; mỗi con số được tổng hợp tự động từ báo cáo tháng.</p>"
        "<h2>Việc làm và giảm nghèo</h2>"
        f"<p>Đến cuối tháng 10, toàn huyện đã giải quyết việc làm mới cho {jobs.value_text} "
        f"lao động, bằng {jobs.percent_text} kế hoạch năm ({jobs.target_text} lao động). "
        f"Tỷ lệ hộ nghèo của huyện còn {poor.value_text}.</p>"
        "<h2>Y tế, giáo dục và nông thôn mới</h2>"
        '<table><thead><tr><th scope="col">Chỉ tiêu</th><th scope="col">Kết quả</th>'
        '<th scope="col">So với kế hoạch</th></tr></thead><tbody>'
        f"<tr><td>Người tham gia bảo hiểm y tế</td><td>{insured.value_text}</td>"
        f"<td>{insured.percent_text}</td></tr>"
        f"<tr><td>Người từ 18 tuổi tiêm vắc xin Covid-19 mũi 1</td><td>{dose1.value_text}</td>"
        f"<td>{dose1.percent_text}</td></tr>"
        f"<tr><td>Trường đạt chuẩn quốc gia</td><td>{schools.value_text}</td>"
        f"<td>{schools.percent_text}</td></tr>"
        f"<tr><td>Xã đạt chuẩn nông thôn mới</td><td>{ntm.value_text}</td><td>–</td></tr>"
        "</tbody></table>"
        "<h2>Cải cách hành chính</h2>"
        f"<p>Bộ phận một cửa các cấp đã tiếp nhận {online.value_text} hồ sơ qua dịch vụ công. "
        "Huyện tiếp tục đôn đốc các xã trả kết quả đúng hẹn trong hai tháng cuối năm.</p>"
    )
    percents = [p.percent for p in (jobs, insured, dose1, schools) if p.percent is not None]
    return {
        "title": "Lộc Ninh: kết quả kinh tế – xã hội 10 tháng năm 2022",
        "lead": (
            f"Giải quyết việc làm cho {jobs.value_text} lao động, {insured.value_text} người "
            f"tham gia bảo hiểm y tế, {ntm.value_text} xã đạt chuẩn nông thôn mới: đó là một số "
            "kết quả nổi bật của huyện sau mười tháng."
        ),
        "body": body,
        "categories": ["kinh-te"],
        "tags": ["Báo cáo", "Kinh tế – xã hội", "Năm 2022"],
        "featured": True,
        "cover": _chart([float(p) for p in percents]),
        "cover_alt": "Biểu đồ cột: tỷ lệ hoàn thành kế hoạch của bốn chỉ tiêu",
        "cover_caption": "Tỷ lệ hoàn thành kế hoạch năm của một số chỉ tiêu (số liệu minh họa).",
        "source": "Tổng hợp từ báo cáo tháng của các xã, thị trấn",
        "when": (2022, 10, 28, 4, 0),
    }


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
