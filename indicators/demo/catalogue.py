"""The demo catalogue: the programs and indicators of the Lộc Ninh report of 28/10/2022.

Each indicator's code is the ``ref`` of the reference figures (NTM-1, LD-1…); the extra
indicators a figure needs to be reproduced (the parts of a total, the all-households count
behind a rate, the rates themselves) have codes derived from it (GN-4-TIEN, GN-HO, GN-12-TL…).
"""

from indicators.models import (
    Aggregation,
    Applicability,
    Comparison,
    Indicator,
    IndicatorKind,
    Program,
    TimeBehaviour,
)

PROGRAMS = [
    ("ntm", "Nông thôn mới"),
    ("ocop", "OCOP – Mỗi xã một sản phẩm"),
    ("lao-dong", "Lao động – việc làm"),
    ("giam-ngheo", "Giảm nghèo – an sinh xã hội"),
    ("giao-duc", "Giáo dục"),
    ("y-te", "Y tế"),
    ("tiem-chung", "Tiêm chủng"),
    ("cchc", "Cải cách hành chính"),
]

# How an indicator behaves. Without options: a flow entered for the district only, compared
# with its annual plan.
STOCK = {"time_behaviour": TimeBehaviour.STOCK}
NO_TARGET = {"compare_with": Comparison.NONE}
LOWER_IS_BETTER = {"higher_is_better": False}
BY_COMMUNE = {"applies_to": Applicability.ALL, "aggregation": Aggregation.SUM}
RURAL_STANDARD = {
    **STOCK,
    "kind": IndicatorKind.STANDARD,
    "applies_to": Applicability.RURAL,
    "aggregation": Aggregation.COUNT_MEETING,
}
UNIT_STANDARD = {**RURAL_STANDARD, "applies_to": Applicability.ALL, **NO_TARGET}
VACCINATED = {**STOCK, "compare_with": Comparison.POPULATION, "above_plan_is_normal": True}


def criteria(total):
    return {
        **STOCK,
        **NO_TARGET,
        "kind": IndicatorKind.CRITERIA,
        "criteria_total": total,
        "applies_to": Applicability.RURAL,
        "aggregation": Aggregation.AVERAGE,
    }


def rate(numerator, denominator, decimals, **options):
    return {
        **NO_TARGET,
        "kind": IndicatorKind.RATIO,
        "numerator": numerator,
        "denominator": denominator,
        "decimals": decimals,
        **options,
    }


def part_of(total, **options):
    return {**NO_TARGET, "total_of": total, **options}


# (code, name, unit of measure, options), by program. An indicator that another one refers to
# (a total, a numerator, the one it must not exceed) comes before it.
INDICATORS = {
    "ntm": [
        (
            "NTM-1",
            "Xã đạt chuẩn nông thôn mới",
            "xã",
            {
                **RURAL_STANDARD,
                "description": "Mỗi xã nhập 1 khi đã được công nhận đạt chuẩn, 0 khi chưa; "
                "thị trấn không tính.",
            },
        ),
        ("NTM-2", "Số tiêu chí nông thôn mới xã đã đạt", "tiêu chí", criteria(19)),
        ("NTM-5", "Số tiêu chí nông thôn mới nâng cao xã đã đạt", "tiêu chí", criteria(20)),
    ],
    "ocop": [
        (
            "OCOP-1",
            "Sản phẩm tham gia chương trình OCOP",
            "sản phẩm",
            {
                **STOCK,
                **NO_TARGET,
                "description": "Sản phẩm đã được hội đồng cấp tỉnh xếp hạng sao.",
            },
        ),
    ],
    "lao-dong": [
        ("LD-1", "Lao động được giải quyết việc làm mới", "người", BY_COMMUNE),
        (
            "LD-3",
            "Hồ sơ hỗ trợ người mắc Covid-19 điều trị tại nhà đã thẩm định",
            "hồ sơ",
            NO_TARGET,
        ),
        ("LD-4", "Lao động ngừng việc được đề nghị hỗ trợ", "người", NO_TARGET),
        ("LD-5", "Lao động được hỗ trợ tiền thuê nhà", "người", NO_TARGET),
        ("LD-6", "Doanh nghiệp có lao động được hỗ trợ tiền thuê nhà", "công ty", NO_TARGET),
        ("LD-7", "Kinh phí hỗ trợ tiền thuê nhà", "đồng", NO_TARGET),
    ],
    "giam-ngheo": [
        ("GN-1", "Hộ nghèo dân tộc thiểu số thoát nghèo", "hộ", {}),
        ("GN-2", "Phần quà vận động được", "phần", NO_TARGET),
        ("GN-3", "Giá trị quà vận động được", "đồng", NO_TARGET),
        ("GN-4", "Quà tặng hộ nghèo", "phần", part_of("GN-2")),
        ("GN-4-TIEN", "Quà tặng hộ nghèo (thành tiền)", "đồng", part_of("GN-3")),
        ("GN-5", "Quà tặng hộ cận nghèo", "phần", part_of("GN-2")),
        ("GN-5-TIEN", "Quà tặng hộ cận nghèo (thành tiền)", "đồng", part_of("GN-3")),
        ("GN-6", "Quà tặng đối tượng bảo trợ xã hội", "phần", part_of("GN-2")),
        ("GN-6-TIEN", "Quà tặng đối tượng bảo trợ xã hội (thành tiền)", "đồng", part_of("GN-3")),
        ("GN-7", "Quà tặng hộ đồng bào dân tộc thiểu số khó khăn", "phần", part_of("GN-2")),
        (
            "GN-7-TIEN",
            "Quà tặng hộ đồng bào dân tộc thiểu số khó khăn (thành tiền)",
            "đồng",
            part_of("GN-3"),
        ),
        ("GN-8", "Quà tặng người có công hưởng trợ cấp một lần", "phần", part_of("GN-2")),
        (
            "GN-8-TIEN",
            "Quà tặng người có công hưởng trợ cấp một lần (thành tiền)",
            "đồng",
            part_of("GN-3"),
        ),
        ("GN-9", "Quà tặng Việt kiều về từ Campuchia", "phần", part_of("GN-2")),
        ("GN-9-TIEN", "Quà tặng Việt kiều về từ Campuchia (thành tiền)", "đồng", part_of("GN-3")),
        ("GN-10", "Quà tặng đối tượng khác", "phần", part_of("GN-2")),
        ("GN-10-TIEN", "Quà tặng đối tượng khác (thành tiền)", "đồng", part_of("GN-3")),
        ("GN-11", "Hộ được đề nghị hỗ trợ lương thực", "hộ", NO_TARGET),
        ("GN-11-KHAU", "Nhân khẩu được đề nghị hỗ trợ lương thực", "khẩu", NO_TARGET),
        ("GN-HO", "Tổng số hộ dân", "hộ", {**STOCK, **NO_TARGET}),
        ("GN-12", "Hộ nghèo", "hộ", {**STOCK, **NO_TARGET, **LOWER_IS_BETTER}),
        ("GN-12-TL", "Tỷ lệ hộ nghèo", "%", rate("GN-12", "GN-HO", 2, **STOCK, **LOWER_IS_BETTER)),
        ("GN-13", "Hộ cận nghèo", "hộ", {**STOCK, **NO_TARGET, **LOWER_IS_BETTER}),
        (
            "GN-13-TL",
            "Tỷ lệ hộ cận nghèo",
            "%",
            rate("GN-13", "GN-HO", 2, **STOCK, **LOWER_IS_BETTER),
        ),
    ],
    "giao-duc": [
        ("GD-1", "Đơn vị cấp xã đạt phổ cập tiểu học mức 3", "xã", UNIT_STANDARD),
        (
            "GD-2",
            "Xã, thị trấn đạt chuẩn phổ cập giáo dục trung học cơ sở",
            "xã",
            {
                **UNIT_STANDARD,
                "description": "Năm 2022: 12 đơn vị (kể cả thị trấn) ở mức độ 2, 4 xã ở mức độ 3.",
            },
        ),
        (
            "GD-3",
            "Xã, thị trấn đạt chuẩn phổ cập giáo dục mầm non cho trẻ 5 tuổi",
            "xã",
            UNIT_STANDARD,
        ),
        ("GD-4", "Trường đạt chuẩn quốc gia", "trường", {**STOCK, "compare_with": Comparison.BASE}),
    ],
    "y-te": [
        ("YT-1", "Cơ sở thực phẩm được kiểm tra", "cơ sở", NO_TARGET),
        ("YT-2", "Cơ sở vi phạm an toàn thực phẩm", "cơ sở", {**NO_TARGET, "not_above": "YT-1"}),
        ("YT-2A", "Cơ sở vi phạm bị phạt tiền", "cơ sở", part_of("YT-2")),
        ("YT-2B", "Cơ sở vi phạm bị nhắc nhở", "cơ sở", part_of("YT-2")),
        ("YT-3", "Lượt khám, chữa bệnh tại Trung tâm Y tế huyện", "lượt", {}),
        ("YT-4", "Lượt khám, chữa bệnh tại trạm y tế xã, thị trấn", "lượt", BY_COMMUNE),
        ("YT-5", "Người tham gia bảo hiểm y tế", "người", STOCK),
    ],
    "tiem-chung": [
        ("TC-1", "Người từ 18 tuổi trở lên tiêm vắc xin Covid-19 mũi 1", "mũi", VACCINATED),
        ("TC-2", "Người từ 18 tuổi trở lên tiêm mũi 2", "mũi", {**VACCINATED, "not_above": "TC-1"}),
        (
            "TC-3",
            "Người từ 18 tuổi trở lên tiêm mũi 3 (nhắc lại lần 1)",
            "mũi",
            {
                **VACCINATED,
                "compare_with": Comparison.BASE,
                "not_above": "TC-2",
                "description": "So với số người đã tiêm mũi 2.",
            },
        ),
        (
            "TC-4",
            "Người từ 18 tuổi trở lên tiêm mũi 4 (nhắc lại lần 2)",
            "mũi",
            {
                **VACCINATED,
                "not_above": "TC-3",
                "description": "So với nhóm đối tượng có nguy cơ cao.",
            },
        ),
        ("TC-5", "Mũi tiêm bổ sung", "mũi", {**STOCK, **NO_TARGET}),
        ("TC-6", "Trẻ từ 12 đến 17 tuổi tiêm mũi 1", "mũi", VACCINATED),
        ("TC-7", "Trẻ từ 12 đến 17 tuổi tiêm mũi 2", "mũi", {**VACCINATED, "not_above": "TC-6"}),
        ("TC-8", "Trẻ từ 12 đến 17 tuổi tiêm mũi 3", "mũi", {**VACCINATED, "not_above": "TC-7"}),
        ("TC-9", "Trẻ từ 5 đến 11 tuổi tiêm mũi 1", "mũi", VACCINATED),
        ("TC-10", "Trẻ từ 5 đến 11 tuổi tiêm mũi 2", "mũi", {**VACCINATED, "not_above": "TC-9"}),
        ("TC-11", "Người mắc Covid-19 được điều trị", "người", NO_TARGET),
        ("TC-12", "Người mắc Covid-19 điều trị tại cơ sở y tế", "người", part_of("TC-11")),
        ("TC-13", "Người mắc Covid-19 điều trị tại nhà", "người", part_of("TC-11")),
    ],
    "cchc": [
        (
            "CCHC-1",
            "Đơn vị có tài khoản trên hệ thống văn bản điện tử",
            "đơn vị",
            {**STOCK, **NO_TARGET},
        ),
        (
            "CCHC-2",
            "Tài khoản người dùng hệ thống văn bản điện tử",
            "tài khoản",
            {**STOCK, **NO_TARGET},
        ),
        (
            "CCHC-3",
            "Cơ quan được cấp mã định danh trên trục liên thông LGSP",
            "cơ quan",
            {**STOCK, "compare_with": Comparison.BASE},
        ),
        ("CCHC-4", "Thiết bị chữ ký số cá nhân đã cấp", "thiết bị", {**STOCK, **NO_TARGET}),
        ("CCHC-5", "Chứng thư số của cơ quan", "chứng thư", {**STOCK, **NO_TARGET}),
        ("CCHC-6", "Hồ sơ tiếp nhận qua dịch vụ công", "hồ sơ", NO_TARGET),
        ("CCHC-7", "Hồ sơ đã trả kết quả", "hồ sơ", part_of("CCHC-6")),
        ("CCHC-8", "Hồ sơ đang giải quyết", "hồ sơ", part_of("CCHC-6")),
        (
            "CCHC-9",
            "Hồ sơ giải quyết quá hạn",
            "hồ sơ",
            {**NO_TARGET, **LOWER_IS_BETTER, "not_above": "CCHC-6"},
        ),
        (
            "CCHC-9-TL",
            "Tỷ lệ hồ sơ giải quyết quá hạn",
            "%",
            rate("CCHC-9", "CCHC-6", 1, **LOWER_IS_BETTER),
        ),
        ("CCHC-10", "Cẩm nang chuyển đổi số đã phát", "cuốn", NO_TARGET),
    ],
}

RELATIONS = ("numerator", "denominator", "total_of", "not_above")


def load_programs():
    programs = {}
    for order, (code, name) in enumerate(PROGRAMS, start=1):
        programs[code], _created = Program.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
    return programs


def load_catalogue():
    """Create the missing programs and indicators; return every demo indicator by code."""
    programs = load_programs()
    indicators = {}
    for program_code, rows in INDICATORS.items():
        for order, (code, name, unit_of_measure, options) in enumerate(rows, start=1):
            defaults = {
                "program": programs[program_code],
                "name": name,
                "unit_of_measure": unit_of_measure,
                "order": order,
                "applies_to": Applicability.JURISDICTION,
                "aggregation": Aggregation.JURISDICTION_ONLY,
                **options,
            }
            for relation in RELATIONS:
                if relation in defaults:
                    defaults[relation] = indicators[defaults[relation]]
            indicators[code], _created = Indicator.objects.get_or_create(
                code=code, defaults=defaults
            )
    return indicators
