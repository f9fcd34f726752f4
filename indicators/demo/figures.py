"""The demo's targets and monthly figures, planned in memory before anything is written.

- 2022: the figures of the Lộc Ninh report of 28/10/2022, spread over the months and (for the
  indicators the communes enter) over the communes. Only the district totals come from the
  report; the monthly and commune splits are illustrative and add up to them exactly.
- 2026, the current year: illustrative figures so the staff screens have something to show:
  January–September approved everywhere, October at every stage, November not started.

Random values come from seeded generators, so the plan is the same on every run.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from indicators.demo.catalogue import INDICATORS
from indicators.models import ReportStatus

DISTRICT = "loc-ninh"
REPORT_DAY = datetime.date(2022, 10, 28)  # the day of the report: flows run to this day
HOUSEHOLDS_DAY = datetime.date(2022, 8, 31)
INSURANCE_DAY = datetime.date(2022, 8, 25)
VACCINATION_DAY = datetime.date(2022, 9, 8)
JAN_TO_OCT = range(1, 11)

# The 16 commune-level units with an illustrative split of the district's 2022 figures:
# (new jobs Jan–Oct, jobs plan, visits to the health station Jan–Oct, visits plan,
#  new-rural criteria met out of 19 — None for the township, which is not counted).
# The columns add up to the report: 4.884 jobs of a 5.700 plan, 44.226 visits of 70.000.
COMMUNES = {
    "tt-loc-ninh": (739, 860, 7100, 11000, None),
    "loc-an": (265, 320, 2532, 4500, 19),
    "loc-dien": (348, 380, 2530, 4500, 19),
    "loc-hiep": (220, 270, 1761, 3000, 19),
    "loc-hoa": (242, 270, 2338, 3500, 13),
    "loc-hung": (373, 430, 3125, 5000, 19),
    "loc-khanh": (219, 270, 2119, 3500, 19),
    "loc-phu": (285, 320, 2607, 4000, 12),
    "loc-quang": (308, 380, 2832, 4500, 19),
    "loc-tan": (281, 320, 2111, 3500, 19),
    "loc-thai": (220, 270, 2063, 3000, 19),
    "loc-thanh": (311, 380, 3356, 5000, 12),
    "loc-thanh-2": (237, 270, 1781, 3000, 19),
    "loc-thien": (303, 320, 2600, 4000, 19),
    "loc-thinh": (264, 320, 2566, 4000, 19),
    "loc-thuan": (269, 320, 2805, 4000, 19),
}
ADVANCED_CRITERIA_2022 = {"loc-dien": 12}  # the only xã working on the advanced standard
JOBS_ESTIMATE_NOV_DEC = 161  # 4.884 found by October, 5.045 expected for the year

JOBS_PLAN = "Chỉ tiêu giải quyết việc làm UBND huyện giao năm {year} (phân bổ minh họa)"
VISITS_PLAN = "Kế hoạch khám, chữa bệnh tại trạm y tế năm {year} (phân bổ minh họa)"
VACCINATION_PLAN = "Kế hoạch tiêm vắc xin phòng Covid-19 giai đoạn 2021–2022 của huyện"

# District-only flows of 2022: code -> (value to 28/10, months it happened in, relative size
# of those months). Other months of January–October get a zero. A total whose parts add up to
# it is the month-by-month sum of its parts.
COVID_WAVE = (4, 12, 30, 22, 10, 6, 5, 4, 4, 3)
PENDING = (1, 1, 1, 1, 1, 1, 2, 3, 6, 12)  # recent dossiers are the ones still in progress
FLOWS_2022 = {
    "LD-3": (2225, range(1, 7), (5, 9, 8, 6, 3, 1)),
    "LD-4": (86, (3,), None),
    "LD-5": (80, (8, 9), None),
    "LD-6": (11, (8, 9), None),
    "LD-7": (130_000_000, (9,), None),
    "GN-2": (5807, (1,), None),  # its parts add up to 5.798: the report's own inconsistency
    "GN-3": (2_925_425_000, (1,), None),
    "GN-4": (568, (1,), None),
    "GN-4-TIEN": (286_500_000, (1,), None),
    "GN-5": (303, (1,), None),
    "GN-5-TIEN": (153_500_000, (1,), None),
    "GN-6": (2802, (1,), None),
    "GN-6-TIEN": (1_401_000_000, (1,), None),
    "GN-7": (1102, (1,), None),
    "GN-7-TIEN": (560_400_000, (1,), None),
    "GN-8": (336, (1,), None),
    "GN-8-TIEN": (223_825_000, (1,), None),
    "GN-9": (45, (1,), None),
    "GN-9-TIEN": (22_500_000, (1,), None),
    "GN-10": (642, (1,), None),
    "GN-10-TIEN": (277_700_000, (1,), None),
    "GN-11": (510, (9,), None),
    "GN-11-KHAU": (1230, (9,), None),
    "YT-1": (418, JAN_TO_OCT, None),
    "YT-2": (69, JAN_TO_OCT, None),
    "YT-2A": (2, (5, 9), None),
    "YT-2B": (67, JAN_TO_OCT, None),
    "YT-3": (43952, JAN_TO_OCT, None),
    "TC-11": (10505, JAN_TO_OCT, None),
    "TC-12": (693, JAN_TO_OCT, COVID_WAVE),
    "TC-13": (9812, JAN_TO_OCT, COVID_WAVE),
    "CCHC-6": (19268, JAN_TO_OCT, None),
    "CCHC-7": (18141, JAN_TO_OCT, None),
    "CCHC-8": (1127, JAN_TO_OCT, PENDING),
    "CCHC-9": (94, JAN_TO_OCT, None),
    "CCHC-10": (1000, (8, 9, 10), None),
}

# District-only stocks of 2022: code -> (value, the day it was counted).
STOCKS_2022 = {
    "OCOP-1": (8, REPORT_DAY),
    "GN-HO": (32460, HOUSEHOLDS_DAY),  # 568 poor = 1,75 %, 303 near-poor = 0,93 %
    "GN-12": (568, HOUSEHOLDS_DAY),
    "GN-13": (303, HOUSEHOLDS_DAY),
    "GD-4": (11, REPORT_DAY),
    "YT-5": (88158, INSURANCE_DAY),
    "TC-1": (83766, VACCINATION_DAY),
    "TC-2": (81712, VACCINATION_DAY),
    "TC-3": (57170, VACCINATION_DAY),
    "TC-4": (14534, VACCINATION_DAY),
    "TC-5": (22670, VACCINATION_DAY),
    "TC-6": (12020, VACCINATION_DAY),
    "TC-7": (11191, VACCINATION_DAY),
    "TC-8": (5577, VACCINATION_DAY),
    "TC-9": (12001, VACCINATION_DAY),
    "TC-10": (10108, VACCINATION_DAY),
    "CCHC-1": (75, REPORT_DAY),
    "CCHC-2": (510, REPORT_DAY),
    "CCHC-3": (145, REPORT_DAY),
    "CCHC-4": (125, REPORT_DAY),
    "CCHC-5": (31, REPORT_DAY),
}

# The district's own targets: code -> {year: (value, source document)}.
TARGETS = {
    "NTM-1": {2026: (13, "Kế hoạch xây dựng nông thôn mới năm 2026 (minh họa)")},
    "GN-1": {
        2022: (144, "Kế hoạch giảm hộ nghèo dân tộc thiểu số năm 2022 của UBND huyện"),
        2026: (60, "Kế hoạch giảm nghèo năm 2026 (minh họa)"),
    },
    "GD-4": {
        2022: (46, "Tổng số trường mầm non, tiểu học, THCS trên địa bàn"),
        2026: (46, "Tổng số trường mầm non, tiểu học, THCS trên địa bàn"),
    },
    "YT-3": {
        2022: (120000, "Kế hoạch năm 2022 của Trung tâm Y tế (ước từ tỷ lệ 36,6% đã báo cáo)"),
        2026: (125000, "Kế hoạch năm 2026 của Trung tâm Y tế (minh họa)"),
    },
    "YT-5": {
        2022: (118000, "Chỉ tiêu BHYT giao năm 2022 (ước từ tỷ lệ 74,71% đã báo cáo)"),
        2026: (110000, "Chỉ tiêu BHYT giao năm 2026 (minh họa)"),
    },
    "TC-1": {2022: (80871, "Dân số từ 18 tuổi trở lên – " + VACCINATION_PLAN)},
    "TC-2": {2022: (80871, "Dân số từ 18 tuổi trở lên – " + VACCINATION_PLAN)},
    "TC-3": {2022: (81712, "Số người đã tiêm mũi 2 đến 08/9/2022")},
    "TC-4": {2022: (29723, "Nhóm đối tượng nguy cơ cao – " + VACCINATION_PLAN)},
    "TC-6": {2022: (11458, "Trẻ từ 12 đến 17 tuổi – " + VACCINATION_PLAN)},
    "TC-7": {2022: (11458, "Trẻ từ 12 đến 17 tuổi – " + VACCINATION_PLAN)},
    "TC-8": {2022: (11159, "Trẻ từ 12 đến 17 tuổi thuộc diện tiêm mũi 3")},
    "TC-9": {2022: (13517, "Trẻ từ 5 đến 11 tuổi – " + VACCINATION_PLAN)},
    "TC-10": {2022: (13517, "Trẻ từ 5 đến 11 tuổi – " + VACCINATION_PLAN)},
    "CCHC-3": {
        2022: (147, "Tổng số cơ quan, đơn vị cần cấp mã định danh"),
        2026: (147, "Tổng số cơ quan, đơn vị cần cấp mã định danh"),
    },
}

# The current year, 2026. Communes: criteria met by the three xã not yet at the standard.
LIVE_YEAR = 2026
OPEN_MONTH = 10  # October: January–September are approved, November has not started
LIVE_MONTHS = range(1, OPEN_MONTH + 1)
CRITERIA_2026 = {"loc-hoa": 18, "loc-phu": 15, "loc-thanh": 16}
ADVANCED_CRITERIA_2026 = {"loc-dien": 17}  # the others: drawn at random
# District figures of 2026: ("flow", lowest, highest) drawn each month, or ("stock", value in
# January, change per month). Totals are the sum of their parts.
LIVE_DISTRICT = {
    "OCOP-1": ("stock", 11, 0.25),
    "GN-1": ("flow", 2, 9),
    "GN-HO": ("stock", 33120, 14),
    "GN-12": ("stock", 436, -3),
    "GN-13": ("stock", 372, -2),
    "GD-4": ("stock", 14, 0),
    "YT-1": ("flow", 28, 52),
    "YT-2A": ("flow", 0, 1),
    "YT-2B": ("flow", 2, 8),
    "YT-3": ("flow", 9200, 11300),
    "YT-5": ("stock", 101850, 160),
    "CCHC-1": ("stock", 82, 0),
    "CCHC-2": ("stock", 566, 2),
    "CCHC-3": ("stock", 147, 0),
    "CCHC-4": ("stock", 151, 0.5),
    "CCHC-5": ("stock", 36, 0),
    "CCHC-7": ("flow", 1850, 2350),
    "CCHC-8": ("flow", 40, 120),
    "CCHC-9": ("flow", 2, 11),
    "CCHC-10": ("flow", 0, 60),
}
# Tết gifts, handed out in February 2026: code of the parcels -> (about how many, đồng each).
LIVE_GIFTS = {
    "GN-4": (440, 500_000),
    "GN-5": (370, 500_000),
    "GN-6": (2850, 500_000),
    "GN-7": (1050, 500_000),
    "GN-8": (340, 650_000),
    "GN-9": (40, 500_000),
    "GN-10": (600, 450_000),
}
GIFT_MONTH = 2
# October 2026, the month being reported: where each unit stands (units not listed have not
# started); a draft holds only the figures in DRAFT_FIGURES.
OCTOBER_2026 = {
    ReportStatus.APPROVED: (
        "tt-loc-ninh",
        "loc-dien",
        "loc-hiep",
        "loc-hung",
        "loc-khanh",
        "loc-quang",
    ),
    ReportStatus.SUBMITTED: ("loc-hoa", "loc-phu", "loc-tan", "loc-thai"),
    ReportStatus.DRAFT: (DISTRICT, "loc-an", "loc-thanh", "loc-thien"),
}  # not started: loc-thanh-2, loc-thinh, loc-thuan
DRAFT_FIGURES = ("NTM-1", "NTM-2", "LD-1", "OCOP-1", "YT-1", "YT-3")


def _parts():
    """Each total's parts, as the catalogue defines them: {"YT-2": ["YT-2A", "YT-2B"], …}."""
    parts = defaultdict(list)
    for rows in INDICATORS.values():
        for code, _name, _unit, options in rows:
            if "total_of" in options:
                parts[options["total_of"]].append(code)
    return dict(parts)


PARTS = _parts()


@dataclass(frozen=True)
class Planned:
    value: int
    is_estimate: bool = False
    measured_on: datetime.date | None = None


@dataclass
class Plan:
    """What the demo holds: targets, and each unit's monthly figures and report status."""

    # (indicator, unit, year) -> (value, source)
    targets: dict = field(default_factory=dict)
    # (unit, year, month) -> {indicator: Planned}
    figures: dict = field(default_factory=lambda: defaultdict(dict))
    # (unit, year, month) -> status, for the reports that are not approved
    statuses: dict = field(default_factory=dict)

    def add(self, unit, year, month, indicator, value, **options):
        self.figures[unit, year, month][indicator] = Planned(value, **options)

    def add_months(self, unit, year, indicator, by_month, cut_off=None):
        """A flow's monthly figures; the one of the cut-off's month is as of that day."""
        for month, value in by_month.items():
            last_day = cut_off if cut_off and cut_off.month == month else None
            self.add(unit, year, month, indicator, value, measured_on=last_day)


def split(total, keys, rng, shape=None):
    """Spread a whole number over keys at random (in proportion to ``shape``); exact sum."""
    keys = list(keys)
    weights = [size * rng.uniform(0.6, 1.4) for size in (shape or [1] * len(keys))]
    exact = [total * weight / sum(weights) for weight in weights]
    values = [int(share) for share in exact]
    by_remainder = sorted(range(len(keys)), key=lambda i: exact[i] - values[i], reverse=True)
    for i in by_remainder[: total - sum(values)]:
        values[i] += 1
    return dict(zip(keys, values, strict=True))


def add_up(*by_months):
    total = defaultdict(int)
    for by_month in by_months:
        for month, value in by_month.items():
            total[month] += value
    return dict(total)


def plan_2022(plan, rng):
    year = REPORT_DAY.year
    for unit, (jobs, jobs_plan, visits, visits_plan, criteria) in COMMUNES.items():
        plan.targets["LD-1", unit, year] = (jobs_plan, JOBS_PLAN.format(year=year))
        plan.targets["YT-4", unit, year] = (visits_plan, VISITS_PLAN.format(year=year))
        plan.add_months(unit, year, "LD-1", split(jobs, JAN_TO_OCT, rng), REPORT_DAY)
        plan.add_months(unit, year, "YT-4", split(visits, JAN_TO_OCT, rng), REPORT_DAY)
        standards = {"GD-1": 1, "GD-2": 1, "GD-3": 1}
        if criteria is not None:
            standards.update({"NTM-1": int(criteria == 19), "NTM-2": criteria})
        if unit in ADVANCED_CRITERIA_2022:
            standards["NTM-5"] = ADVANCED_CRITERIA_2022[unit]
        for indicator, value in standards.items():
            plan.add(unit, year, REPORT_DAY.month, indicator, value, measured_on=REPORT_DAY)
    estimates = split(JOBS_ESTIMATE_NOV_DEC, [(u, m) for u in COMMUNES for m in (11, 12)], rng)
    for (unit, month), value in estimates.items():
        plan.add(unit, year, month, "LD-1", value, is_estimate=True)

    by_month = {}
    for indicator, (value, months, shape) in FLOWS_2022.items():
        by_month[indicator] = dict.fromkeys(JAN_TO_OCT, 0) | split(value, months, rng, shape)
    for total, parts in PARTS.items():
        if total in FLOWS_2022 and sum(FLOWS_2022[p][0] for p in parts) == FLOWS_2022[total][0]:
            by_month[total] = add_up(*(by_month[p] for p in parts))
    for indicator, months in by_month.items():
        plan.add_months(DISTRICT, year, indicator, months, REPORT_DAY)
    for indicator, (value, day) in STOCKS_2022.items():
        plan.add(DISTRICT, year, day.month, indicator, value, measured_on=day)


def plan_live_year(plan, rng):
    year = LIVE_YEAR
    advanced = {}
    for unit, (_jobs, jobs_plan, _visits, visits_plan, criteria) in COMMUNES.items():
        jobs_plan = int(round(jobs_plan * 1.05, -1))  # 5 % more than in 2022
        visits_plan = int(round(visits_plan * 1.05, -2))
        plan.targets["LD-1", unit, year] = (jobs_plan, JOBS_PLAN.format(year=year))
        plan.targets["YT-4", unit, year] = (visits_plan, VISITS_PLAN.format(year=year))
        if criteria is not None:
            low, high = (9, 15) if criteria == 19 else (4, 8)
            advanced[unit] = ADVANCED_CRITERIA_2026.get(unit) or rng.randint(low, high)
        for month in LIVE_MONTHS:
            plan.add(unit, year, month, "LD-1", round(jobs_plan / 12 * rng.uniform(0.7, 1.15)))
            plan.add(unit, year, month, "YT-4", round(visits_plan / 12 * rng.uniform(0.8, 1.1)))
            for indicator in ("GD-1", "GD-2", "GD-3"):
                plan.add(unit, year, month, indicator, 1)
            if criteria is not None:
                met = CRITERIA_2026.get(unit, criteria)
                plan.add(unit, year, month, "NTM-1", int(met == 19))
                plan.add(unit, year, month, "NTM-2", met)
                plan.add(unit, year, month, "NTM-5", advanced[unit])

    gifts = {
        code: round(size * rng.uniform(0.9, 1.1)) for code, (size, _price) in LIVE_GIFTS.items()
    }
    for month in LIVE_MONTHS:
        figures = {}
        for indicator, (behaviour, first, second) in LIVE_DISTRICT.items():
            if behaviour == "flow":
                figures[indicator] = rng.randint(first, second)
            else:
                figures[indicator] = round(first + second * (month - 1))
        for code, (_size, price) in LIVE_GIFTS.items():
            parcels = gifts[code] if month == GIFT_MONTH else 0
            figures[code], figures[f"{code}-TIEN"] = parcels, parcels * price
        for total, parts in PARTS.items():
            if all(part in figures for part in parts):
                figures[total] = sum(figures[part] for part in parts)
        for indicator, value in figures.items():
            plan.add(DISTRICT, year, month, indicator, value)

    started = {unit for units in OCTOBER_2026.values() for unit in units}
    for unit in [DISTRICT, *COMMUNES]:
        if unit not in started:
            del plan.figures[unit, year, OPEN_MONTH]
    for status, units in OCTOBER_2026.items():
        for unit in units:
            plan.statuses[unit, year, OPEN_MONTH] = status
            if status == ReportStatus.DRAFT:
                figures = plan.figures[unit, year, OPEN_MONTH]
                for indicator in set(figures) - set(DRAFT_FIGURES):
                    del figures[indicator]


def build_plan():
    plan = Plan()
    for indicator, by_year in TARGETS.items():
        for year, target in by_year.items():
            plan.targets[indicator, DISTRICT, year] = target
    plan_2022(plan, random.Random(2022))  # noqa: S311 - illustrative, not secret
    plan_live_year(plan, random.Random(LIVE_YEAR))  # noqa: S311
    return plan
