"""Demo blocks for a fresh portal: introduction pages, links and the About sub-menu.

Illustrative text written for the demo, not official information. Like the rest of the demo,
it creates what is missing and never overwrites what staff have edited.
"""

from portal.models import IntroPage, Link, MenuItem

INTRO_PAGES = [
    (
        "tong-quan",
        "Tổng quan về huyện Lộc Ninh",
        IntroPage.Kind.GENERAL,
        "Lộc Ninh là huyện biên giới phía bắc tỉnh Bình Phước, có thị trấn Lộc Ninh và "
        "15 xã (nội dung minh họa).",
        "<h2>Vị trí</h2>"
        "<p>Huyện nằm ở vùng biên giới, giáp Vương quốc Campuchia, có cửa khẩu quốc tế Hoa Lư. "
        "Quốc lộ 13 chạy dọc huyện, nối thị trấn với thành phố Hồ Chí Minh ở phía nam.</p>"
        "<h2>Kinh tế</h2>"
        "<p>Phần lớn người dân sống bằng nghề trồng cây công nghiệp như cao su, điều và hồ tiêu. "
        "Những năm gần đây, thương mại qua cửa khẩu và chăn nuôi tập trung phát triển thêm.</p>"
        "<p><em>Trang này là dữ liệu minh họa của bản trình diễn.</em></p>",
    ),
    (
        "co-cau-to-chuc",
        "Cơ cấu tổ chức",
        IntroPage.Kind.ORGANISATION,
        "Các cơ quan chuyên môn giúp Ủy ban nhân dân huyện quản lý nhà nước (minh họa).",
        "<p>Ủy ban nhân dân huyện gồm Chủ tịch, các Phó Chủ tịch và các ủy viên. "
        "Giúp việc cho Ủy ban là các phòng chuyên môn, ví dụ:</p>"
        "<ul><li>Văn phòng HĐND và UBND huyện</li><li>Phòng Tài chính – Kế hoạch</li>"
        "<li>Phòng Giáo dục và Đào tạo</li><li>Phòng Y tế</li>"
        "<li>Phòng Lao động – Thương binh và Xã hội</li></ul>"
        "<p><em>Danh sách minh họa; cán bộ cập nhật trong trang quản trị.</em></p>",
    ),
    (
        "lanh-dao",
        "Lãnh đạo huyện",
        IntroPage.Kind.LEADERSHIP,
        "Họ tên, chức vụ và lĩnh vực phụ trách của lãnh đạo huyện (minh họa).",
        '<table><thead><tr><th scope="col">Chức vụ</th><th scope="col">Họ và tên</th>'
        '<th scope="col">Lĩnh vực phụ trách</th></tr></thead><tbody>'
        "<tr><td>Chủ tịch UBND huyện</td><td>Nguyễn Văn Minh Họa</td><td>Chỉ đạo chung</td></tr>"
        "<tr><td>Phó Chủ tịch</td><td>Trần Thị Ví Dụ</td><td>Văn hóa – xã hội</td></tr>"
        "<tr><td>Phó Chủ tịch</td><td>Lê Văn Mẫu</td><td>Kinh tế</td></tr>"
        "</tbody></table>"
        "<p><em>Tên người là tên giả, chỉ dùng cho bản trình diễn.</em></p>",
    ),
    (
        "lich-su-van-hoa",
        "Lịch sử – văn hóa",
        IntroPage.Kind.HISTORY,
        "Vài nét về truyền thống và đời sống văn hóa của vùng đất Lộc Ninh (minh họa).",
        "<p>Lộc Ninh gắn với nhiều sự kiện của cuộc kháng chiến, nhiều di tích được người dân "
        "gìn giữ và giới thiệu với khách tham quan.</p>"
        "<p>Đồng bào các dân tộc cùng sinh sống trong huyện, giữ những lễ hội và nghề truyền "
        "thống riêng; các câu lạc bộ văn nghệ ở xã thường biểu diễn vào dịp lễ, Tết.</p>"
        "<p><em>Nội dung minh họa, viết riêng cho bản trình diễn.</em></p>",
    ),
]

LINKS = [
    ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn/"),
    ("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn/"),
    ("Cổng thông tin điện tử tỉnh Bình Phước", "https://binhphuoc.gov.vn/"),
]


def load_blocks_demo():
    """Create the demo introduction pages, links and the About sub-menu if missing."""
    for order, (slug, title, kind, summary, body) in enumerate(INTRO_PAGES, start=1):
        IntroPage.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "kind": kind,
                "summary": summary,
                "body": body,
                "order": order * 10,
            },
        )
    for order, (title, url) in enumerate(LINKS, start=1):
        Link.objects.get_or_create(url=url, defaults={"title": title, "order": order * 10})
    about = MenuItem.objects.filter(url="/gioi-thieu/", parent__isnull=True).first()
    if about and not about.children.exists():
        for order, (slug, title, *_rest) in enumerate(INTRO_PAGES, start=1):
            MenuItem.objects.create(
                parent=about, title=title, url=f"/gioi-thieu/{slug}/", order=order * 10
            )
