"""What each spreadsheet holds: columns, natural keys and the rules a row must meet.

Rows name things by natural keys (unit code, indicator code, year, month), never by database
ids, under Vietnamese headers; a header is recognised with or without diacritics, in any case
and by a few usual aliases. Every error names the row as the spreadsheet numbers it and the
column by its header. Monthly figures go through the same rules as the entry form (see
``importing.figures_import``); targets record their history like the admin form does.
"""

import re
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.results import Error

from indicators import services
from indicators.models import (
    Achievement,
    AdministrativeUnit,
    Aggregation,
    Applicability,
    Comparison,
    FigureChange,
    Indicator,
    IndicatorKind,
    MonthlyReport,
    Program,
    ReportStatus,
    Target,
    TimeBehaviour,
    UnitAssignment,
    UnitKind,
    can_enter,
    month_end,
    month_start,
)
from indicators.spreadsheets import importing
from indicators.spreadsheets.formats import ROW_NUMBER, FormulaText, SpreadsheetError
from indicators.spreadsheets.widgets import (
    BooleanWidget,
    ChoiceWidget,
    CodeWidget,
    DateTimeWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    RelatedWidget,
    TextWidget,
    cell_text,
    fold,
    month_widget,
    year_widget,
)
from indicators.validation import check_value

MAX_FIGURE = Decimal(10) ** 16  # VALUE_DIGITS: 20 digits, 4 of them decimals


class Column(Field):
    """A spreadsheet column: its Vietnamese header, the other names it is known by, its help."""

    def __init__(
        self,
        attribute=None,
        header=None,
        widget=None,
        *,
        aliases=(),
        help_text="",
        required=False,
        export_only=False,
        readonly=False,
        **kwargs,
    ):
        super().__init__(
            attribute=attribute,
            column_name=header,
            widget=widget or TextWidget(),
            readonly=readonly or export_only,
            **kwargs,
        )
        self.aliases = aliases
        self.help_text = help_text
        self.required = required
        self.export_only = export_only


def header_key(text):
    """A header as compared: "Giá trị (người) *" → "gia tri"."""
    return fold(re.sub(r"\([^)]*\)", " ", str(text)).replace("*", " "))


def lower_first(message):
    """ "Số liệu không thể…" → "số liệu không thể…" after "Dòng 5, cột “Giá trị”: "."""
    message = str(message).strip()
    if len(message) > 1 and message[0].isupper() and not message[1].isupper():
        return message[0].lower() + message[1:]
    return message


def row_message(number, column, message):
    if column:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": number,
            "column": column,
            "message": message,
        }
    return _("Row %(row)s: %(message)s") % {"row": number, "message": message}


def raw_display(value):
    """A cell as typed, for the preview of a row in error."""
    if isinstance(value, FormulaText):
        return str(value)
    try:
        return cell_text(value)
    except ValueError:
        return str(value)


class SpreadsheetDiff:
    """The preview of a row: new values, or "old → new" where a value changes."""

    def __init__(self, resource, instance, new):
        self.new = new
        self.left = resource.display_values(instance)
        self.right = []

    def compare_with(self, resource, instance):
        self.right = resource.display_values(instance) if instance is not None else []

    def as_html(self):
        cells = []
        for index, new in enumerate(self.right):
            old = self.left[index] if index < len(self.left) else ""
            if self.new or old == new:
                cells.append(new)
            else:
                cells.append(format_html("<del>{}</del> → <ins>{}</ins>", old or "–", new or "–"))
        return cells


class SpreadsheetResource(resources.ModelResource):
    """Columns under Vietnamese headers, natural keys, errors by row and column."""

    #: The names of the fields that identify a row (its natural key).
    key = ()
    select_related = ()

    class Meta:
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        store_instance = True
        store_row_values = True
        clean_model_instances = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.file_name = ""
        self.row_number = None
        self._seen = {}
        self._import_fields = None

    @classmethod
    def get_diff_class(cls):
        return SpreadsheetDiff

    @classmethod
    def get_display_name(cls):
        return str(cls._meta.model._meta.verbose_name_plural).capitalize()

    # Columns -------------------------------------------------------------------------------

    def get_import_fields(self):
        if self._import_fields is None:  # asked for several times per row
            self._import_fields = [
                f for f in super().get_import_fields() if not getattr(f, "export_only", False)
            ]
        return self._import_fields

    def display_values(self, instance):
        return [f.widget.display(f.get_value(instance)) for f in self.get_import_fields()]

    def header_names(self):
        """Every accepted way of writing each import column: folded text → header."""
        names = {}
        for field in self.get_import_fields():
            for name in (field.column_name, *field.aliases):
                names.setdefault(header_key(name), field.column_name)
        return names

    def required_columns(self):
        return [
            f.column_name
            for name, f in self.fields.items()
            if (name in self.key or getattr(f, "required", False))
            and not getattr(f, "export_only", False)
        ]

    def column_for(self, key):
        """The header of a column named by an error key: a header, a field or a model field."""
        if key == NON_FIELD_ERRORS:
            return None
        for name, field in self.fields.items():
            attribute = (field.attribute or "").split("__")[0]
            if key in (field.column_name, name, field.attribute, attribute, f"{attribute}_id"):
                return field.column_name
        return None

    def prepare_dataset(self, dataset):
        """Rename the headers to ours; refuse a file without the columns a row needs."""
        if ROW_NUMBER not in (dataset.headers or []):
            dataset.append_col(list(range(2, len(dataset) + 2)), header=ROW_NUMBER)
        names = self.header_names()
        headers, seen = [], {}
        for header in dataset.headers:
            if header == ROW_NUMBER:
                headers.append(header)
                continue
            ours = names.get(header_key(header)) if header else None
            if ours and ours in seen:
                raise SpreadsheetError(
                    _(
                        "The columns “%(first)s” and “%(second)s” both hold “%(column)s”: keep "
                        "only one of them."
                    )
                    % {"first": seen[ours], "second": header, "column": ours}
                )
            if ours:
                seen[ours] = header
            headers.append(ours or header)
        missing = [c for c in self.required_columns() if c not in headers]
        if missing:
            found = [h for h in dataset.headers if h and h != ROW_NUMBER]
            raise SpreadsheetError(
                _(
                    "The file has no column %(missing)s. The first row must hold the column "
                    "headers, as in the template file; this file's first row has: %(found)s."
                )
                % {
                    "missing": ", ".join(f"“{m}”" for m in missing),
                    "found": ", ".join(f"“{h}”" for h in found[:20]) or "–",
                }
            )
        dataset.headers = headers
        return dataset

    # Import --------------------------------------------------------------------------------

    def import_data(self, dataset, *args, **kwargs):
        self.user = kwargs.get("user") or self.user
        self.file_name = str(kwargs.get("file_name") or "")
        self._seen = {}
        try:
            dataset = self.prepare_dataset(dataset)
        except SpreadsheetError as exc:
            result = self.get_result_class()()
            result.append_base_error(Error(exc))
            return result
        return super().import_data(dataset, *args, **kwargs)

    def _check_import_id_fields(self, headers):
        """Replaced by prepare_dataset, which says in Vietnamese which column is missing."""

    def reason(self):
        if self.row_number:
            text = _("Imported from the file %(name)s, row %(row)s") % {
                "name": self.file_name,
                "row": self.row_number,
            }
        else:
            text = _("Imported from the file %(name)s") % {"name": self.file_name}
        return text[:500]

    def import_row(self, row, instance_loader, **kwargs):
        number = row.get(ROW_NUMBER) or kwargs.get("row_number", 0) + 1
        self.row_number = number
        result = super().import_row(row, instance_loader, **kwargs)
        result.number = number
        result.messages = []
        if result.validation_error is not None:
            result.messages = self.row_messages(result.validation_error, number)
            result.validation_error = ValidationError(result.messages)
        for error in result.errors:
            result.messages.append(
                row_message(number, None, _("unexpected error: %(error)s") % {"error": error.error})
            )
        if result.diff is not None:
            result.cells = result.diff
        else:
            result.cells = [raw_display(row.get(f.column_name)) for f in self.get_import_fields()]
        result.warnings = []
        return result

    def row_messages(self, error, number):
        if hasattr(error, "error_dict"):
            items = error.message_dict.items()
        else:
            items = [(NON_FIELD_ERRORS, error.messages)]
        messages = []
        for key, texts in items:
            column = self.column_for(key)
            for text in texts:
                messages.append(row_message(number, column, text))
        return messages

    def get_instance(self, instance_loader, row):
        lookups = self.clean_key(row)
        return self.find_instance(lookups)

    def clean_key(self, row):
        """The row's natural key as values; errors by column; a key seen twice is an error."""
        lookups, errors = {}, {}
        for name in self.key:
            field = self.fields[name]
            try:
                value = field.clean(row)
            except ValueError as exc:
                errors[field.column_name] = [str(exc)]
                continue
            if value in (None, ""):
                errors[field.column_name] = [_("this cell must not be empty.")]
                continue
            lookups[name] = value
        if errors:
            raise ValidationError(errors)
        self.check_key(lookups)
        key = tuple(
            v.pk if isinstance(v, Model) else (v.lower() if isinstance(v, str) else v)
            for v in lookups.values()
        )
        if key in self._seen:
            raise ValidationError(
                _("the same row (%(key)s) is already in row %(row)s; keep only one of them.")
                % {
                    "key": ", ".join(
                        v.code if isinstance(v, Model) else str(v) for v in lookups.values()
                    ),
                    "row": self._seen[key],
                }
            )
        self._seen[key] = self.row_number
        return lookups

    def check_key(self, lookups):
        """Raise ValidationError when the user may not touch the row named by this key."""

    def find_instance(self, lookups):
        filters = {}
        for name, value in lookups.items():
            attribute = self.fields[name].attribute
            filters[f"{attribute}__iexact" if isinstance(value, str) else attribute] = value
        return self.get_queryset().filter(**filters).first()

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if instance.pk and self.get_field_name(field) in self.key:
            return  # "XA-A" finds xa-a; the stored code keeps its spelling
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for field in self.get_import_fields():
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as exc:
                errors[field.column_name] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def check_instance(self, instance, errors):
        """Add the model's own rules to ``errors`` (a dict header → messages)."""

    def attribute_for(self, column):
        for field in self.fields.values():
            if field.column_name == column and field.attribute:
                return field.attribute.split("__")[0]
        return column

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {k: list(v) for k, v in (import_validation_errors or {}).items()}
        self.check_instance(instance, errors)
        if self._meta.clean_model_instances:
            exclude = {self.attribute_for(column) for column in errors}
            try:
                instance.full_clean(exclude=exclude, validate_unique=validate_unique)
            except ValidationError as exc:
                for key, texts in exc.message_dict.items():
                    column = self.column_for(key) or key
                    errors.setdefault(column, []).extend(map(lower_first, texts))
        if errors:
            raise ValidationError(errors)

    # Export --------------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset

    def after_export(self, queryset, dataset, **kwargs):
        dataset.title = str(self._meta.model._meta.verbose_name_plural).capitalize()

    # Template ------------------------------------------------------------------------------

    def example(self, user):
        """One example row for the template file: header → value."""
        return {}


def code_column(header, aliases, help_text=""):
    return Column("code", header, CodeWidget(30), aliases=aliases, help_text=help_text)


def order_column():
    return Column(
        "order",
        "Thứ tự",
        IntegerWidget(0, 32767),
        aliases=("thu tu sap xep", "order"),
        default=0,
        help_text=gettext_lazy("A whole number: the order in lists and reports."),
    )


UNIT_CODE_ALIASES = ("ma dv", "ma xa", "unit code", "unit")
INDICATOR_CODE_ALIASES = ("ma chi tieu", "ma ct", "indicator code", "indicator")


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


class AdministrativeUnitResource(SpreadsheetResource):
    key = ("code",)
    select_related = ("parent", "successor")

    code = code_column(
        "Mã đơn vị",
        ("ma dv", "ma", "code", "unit code"),
        gettext_lazy("Short code used in spreadsheets and links, e.g. loc-an."),
    )
    name = Column(
        "name",
        "Tên đơn vị",
        TextWidget(120),
        aliases=("ten", "don vi", "name", "unit"),
        help_text=gettext_lazy("Without the kind: Lộc An."),
    )
    kind = Column(
        "kind", "Loại đơn vị", ChoiceWidget(UnitKind.choices), aliases=("loai", "cap", "kind")
    )
    parent = Column(
        "parent",
        "Thuộc đơn vị",
        RelatedWidget(AdministrativeUnit),
        aliases=("don vi cap tren", "ma don vi cap tren", "cap tren", "parent", "belongs to"),
        help_text=gettext_lazy("The code of the district; empty for the district itself."),
    )
    order = order_column()
    is_active = Column(
        "is_active",
        "Đang hoạt động",
        BooleanWidget(),
        aliases=("hoat dong", "active", "is active"),
        default=True,
    )
    established_on = Column(
        "established_on",
        "Ngày thành lập",
        DateWidget(),
        aliases=("thanh lap", "established on"),
    )
    retired_on = Column(
        "retired_on",
        "Ngày giải thể",
        DateWidget(),
        aliases=("ngay sap nhap", "ngay ngung hoat dong", "retired on"),
    )
    successor = Column(
        "successor",
        "Đơn vị kế thừa",
        RelatedWidget(AdministrativeUnit),
        aliases=("ke thua", "ma don vi ke thua", "successor"),
        help_text=gettext_lazy("The code of the unit it was renamed to or merged into."),
    )

    class Meta:
        model = AdministrativeUnit
        fields = (
            "code",
            "name",
            "kind",
            "parent",
            "order",
            "is_active",
            "established_on",
            "retired_on",
            "successor",
        )
        import_order = export_order = fields

    def check_instance(self, instance, errors):
        for name in ("parent", "successor"):
            other = getattr(instance, name)
            if other is not None and instance.pk and other.pk == instance.pk:
                errors.setdefault(self.fields[name].column_name, []).append(
                    _("a unit cannot refer to itself.")
                )

    def example(self, user):
        district = AdministrativeUnit.objects.jurisdiction()
        return {
            "Mã đơn vị": "xa-an-binh",
            "Tên đơn vị": "An Bình",
            "Loại đơn vị": UnitKind.COMMUNE.label,
            "Thuộc đơn vị": district.code if district else "",
            "Thứ tự": 1,
            "Đang hoạt động": _("yes"),
        }


class ProgramResource(SpreadsheetResource):
    key = ("code",)

    code = code_column("Mã chương trình", ("ma ct", "ma", "code", "program code"))
    name = Column(
        "name", "Tên chương trình", TextWidget(200), aliases=("ten", "chuong trinh", "name")
    )
    order = order_column()

    class Meta:
        model = Program
        fields = ("code", "name", "order")
        import_order = export_order = fields

    def example(self, user):
        return {"Mã chương trình": "ld", "Tên chương trình": "Lao động – việc làm", "Thứ tự": 1}


def indicator_link(attribute, header, aliases):
    return Column(attribute, header, RelatedWidget(Indicator, what=_indicator), aliases=aliases)


_indicator = gettext_lazy("indicator")


class IndicatorResource(SpreadsheetResource):
    key = ("code",)
    select_related = ("program", "numerator", "denominator", "total_of", "not_above")

    code = code_column(
        "Mã chỉ tiêu",
        ("ma", "code", "indicator code"),
        gettext_lazy("Used in spreadsheets, e.g. LD-1."),
    )
    name = Column(
        "name", "Tên chỉ tiêu", TextWidget(300), aliases=("ten", "chi tieu", "name", "indicator")
    )
    program = Column(
        "program",
        "Mã chương trình",
        RelatedWidget(Program),
        aliases=("chuong trinh", "program", "program code"),
    )
    unit_of_measure = Column(
        "unit_of_measure",
        "Đơn vị tính",
        TextWidget(40),
        aliases=("dvt", "unit of measure"),
    )
    order = order_column()
    kind = Column(
        "kind",
        "Loại chỉ tiêu",
        ChoiceWidget(IndicatorKind.choices),
        aliases=("loai", "kind"),
        default=IndicatorKind.VALUE,
    )
    time_behaviour = Column(
        "time_behaviour",
        "Theo thời gian",
        ChoiceWidget(TimeBehaviour.choices),
        aliases=("over time", "time behaviour"),
        default=TimeBehaviour.FLOW,
    )
    aggregation = Column(
        "aggregation",
        "Tổng hợp các đơn vị",
        ChoiceWidget(Aggregation.choices),
        aliases=("tong hop", "across units", "aggregation"),
        default=Aggregation.SUM,
    )
    applies_to = Column(
        "applies_to",
        "Đơn vị nhập",
        ChoiceWidget(Applicability.choices),
        aliases=("ap dung cho", "entered by", "applies to"),
        default=Applicability.ALL,
    )
    compare_with = Column(
        "compare_with",
        "So sánh với",
        ChoiceWidget(Comparison.choices),
        aliases=("compared with", "compare with"),
        default=Comparison.PLAN,
    )
    criteria_total = Column(
        "criteria_total",
        "Số tiêu chí",
        IntegerWidget(1, 1000),
        aliases=("tong so tieu chi", "number of criteria"),
    )
    numerator = indicator_link("numerator", "Tử số", ("ma tu so", "numerator"))
    denominator = indicator_link("denominator", "Mẫu số", ("ma mau so", "denominator"))
    total_of = indicator_link(
        "total_of", "Thuộc tổng", ("la mot phan cua", "part of the total", "total of")
    )
    not_above = indicator_link("not_above", "Không vượt quá", ("not above",))
    higher_is_better = Column(
        "higher_is_better",
        "Cao hơn là tốt",
        BooleanWidget(),
        aliases=("higher is better",),
        default=True,
    )
    decimals = Column(
        "decimals",
        "Số chữ số thập phân",
        IntegerWidget(0, 4),
        aliases=("chu so thap phan", "so thap phan", "decimals"),
        default=0,
    )
    above_plan_is_normal = Column(
        "above_plan_is_normal",
        "Vượt 100% là bình thường",
        BooleanWidget(),
        aliases=("vuot 100 la binh thuong", "above 100 is normal"),
        default=False,
    )
    description = Column("description", "Mô tả", TextWidget(), aliases=("description",))
    is_active = Column(
        "is_active",
        "Đang sử dụng",
        BooleanWidget(),
        aliases=("dang ap dung", "active", "is active"),
        default=True,
    )

    class Meta:
        model = Indicator
        fields = (
            "code",
            "name",
            "program",
            "unit_of_measure",
            "order",
            "kind",
            "time_behaviour",
            "aggregation",
            "applies_to",
            "compare_with",
            "criteria_total",
            "numerator",
            "denominator",
            "total_of",
            "not_above",
            "higher_is_better",
            "decimals",
            "above_plan_is_normal",
            "description",
            "is_active",
        )
        import_order = export_order = fields

    def example(self, user):
        program = Program.objects.order_by("order").first()
        return {
            "Mã chỉ tiêu": "LD-1",
            "Tên chỉ tiêu": "Lao động có việc làm mới",
            "Mã chương trình": program.code if program else "ld",
            "Đơn vị tính": "người",
            "Thứ tự": 1,
            "Loại chỉ tiêu": IndicatorKind.VALUE.label,
            "Theo thời gian": TimeBehaviour.FLOW.label,
            "Tổng hợp các đơn vị": Aggregation.SUM.label,
            "Đơn vị nhập": Applicability.ALL.label,
            "So sánh với": Comparison.PLAN.label,
            "Số chữ số thập phân": 0,
        }


# ---------------------------------------------------------------------------------------------
# Targets and monthly figures
# ---------------------------------------------------------------------------------------------


def unit_key_column():
    return Column(
        "unit",
        "Mã đơn vị",
        RelatedWidget(AdministrativeUnit, names=True),
        aliases=UNIT_CODE_ALIASES,
        help_text=gettext_lazy("The unit's code, as in the list of administrative units."),
    )


def indicator_key_column():
    return Column(
        "indicator",
        "Mã chỉ tiêu",
        RelatedWidget(Indicator, what=_indicator),
        aliases=INDICATOR_CODE_ALIASES,
        help_text=gettext_lazy("The indicator's code, as in the catalogue."),
    )


class TargetResource(SpreadsheetResource):
    key = ("indicator", "unit", "year")
    select_related = ("indicator", "unit", "updated_by")

    indicator = indicator_key_column()
    indicator_name = Column("indicator__name", "Chỉ tiêu", export_only=True)
    unit = unit_key_column()
    unit_name = Column("unit__full_name", "Đơn vị", export_only=True)
    year = Column("year", "Năm", year_widget(), aliases=("year",))
    value = Column(
        "value",
        "Giá trị",
        DecimalWidget(),
        aliases=("ke hoach", "chi tieu ke hoach", "gia tri ke hoach", "target", "value"),
        required=True,
        help_text=gettext_lazy("The annual plan, e.g. 1.200 or 12,5."),
    )
    source = Column(
        "source",
        "Văn bản giao",
        TextWidget(300),
        aliases=("nguon", "can cu", "source", "source document"),
    )
    updated_by = Column("updated_by__username", "Người cập nhật", export_only=True)
    updated_at = Column("updated_at", "Cập nhật lúc", DateTimeWidget(), export_only=True)

    class Meta:
        model = Target
        fields = (
            "indicator",
            "indicator_name",
            "unit",
            "unit_name",
            "year",
            "value",
            "source",
            "updated_by",
            "updated_at",
        )
        import_order = export_order = fields

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self._units = None

    def check_key(self, lookups):
        if self._units is None:
            self._units = set(
                AdministrativeUnit.objects.for_user(self.user).values_list("pk", flat=True)
            )
        unit = lookups["unit"]
        if unit.pk not in self._units:
            raise ValidationError(
                {
                    self.fields["unit"].column_name: _(
                        "you may not import the targets of %(unit)s."
                    )
                    % {"unit": unit.full_name}
                }
            )

    def check_instance(self, instance, errors):
        column = self.fields["value"].column_name
        if column in errors:
            return
        if instance.value is None:
            errors[column] = [_("this cell must not be empty.")]
        elif instance.value < 0:
            errors[column] = [lower_first(_("A target cannot be negative."))]
        elif instance.value >= MAX_FIGURE:
            errors[column] = [_("the number is too large.")]

    def before_save_instance(self, instance, row, **kwargs):
        services.target_record_change(target=instance, user=self.user, reason=self.reason())

    def example(self, user):
        unit = AdministrativeUnit.objects.for_user(user).communes().order_by("order").first()
        indicator = Indicator.objects.active().entered().first()
        return {
            "Mã chỉ tiêu": indicator.code if indicator else "LD-1",
            "Mã đơn vị": unit.code if unit else "xa-an-binh",
            "Năm": 2026,
            "Giá trị": Decimal(1200),
            "Văn bản giao": "Kế hoạch số 45/KH-UBND ngày 15/01/2026",
        }


class AchievementResource(SpreadsheetResource):
    """Monthly figures: one row per unit, indicator and month."""

    key = ("unit", "indicator", "year", "month")
    select_related = ("report__unit", "indicator", "entered_by")

    unit = Column(
        "report__unit",
        "Mã đơn vị",
        RelatedWidget(AdministrativeUnit, names=True),
        aliases=UNIT_CODE_ALIASES,
        readonly=True,
        help_text=gettext_lazy("The unit's code, as in the list of administrative units."),
    )
    unit_name = Column("report__unit__full_name", "Đơn vị", export_only=True)
    indicator = Column(
        "indicator",
        "Mã chỉ tiêu",
        RelatedWidget(Indicator, what=_indicator),
        aliases=INDICATOR_CODE_ALIASES,
        readonly=True,
        help_text=gettext_lazy("The indicator's code, as in the catalogue."),
    )
    indicator_name = Column("indicator__name", "Chỉ tiêu", export_only=True)
    unit_of_measure = Column("indicator__unit_of_measure", "Đơn vị tính", export_only=True)
    year = Column("report__year", "Năm", year_widget(), aliases=("year",), readonly=True)
    month = Column("report__month", "Tháng", month_widget(), aliases=("month",), readonly=True)
    value = Column(
        "value",
        "Giá trị",
        DecimalWidget(),
        aliases=("so lieu", "thuc hien", "gia tri thuc hien", "ket qua", "value"),
        required=True,
        saves_null_values=False,
        help_text=gettext_lazy(
            "The month's figure, e.g. 4.884 or 1,75. An empty cell leaves the figure as it is."
        ),
    )
    is_estimate = Column(
        "is_estimate",
        "Ước tính",
        BooleanWidget(),
        aliases=("uoc", "so uoc", "estimate"),
        default=False,
        help_text=gettext_lazy("“có” for an estimate (ước), empty or “không” otherwise."),
    )
    measured_on = Column(
        "measured_on",
        "Tính đến ngày",
        DateWidget(),
        aliases=("ngay so lieu", "den ngay", "as of", "measured on"),
        help_text=gettext_lazy("For a count as of a given day; empty means the end of the month."),
    )
    note = Column("note", "Ghi chú", TextWidget(500), aliases=("note",))
    warning_reason = Column(
        "warning_reason",
        "Lý do cảnh báo",
        TextWidget(500),
        aliases=("ly do", "giai trinh", "reason", "reason for accepting the warning"),
        help_text=gettext_lazy("Why a figure that raises a warning is right."),
    )
    status = Column(
        "report__status", "Trạng thái", ChoiceWidget(ReportStatus.choices), export_only=True
    )
    warning = Column("warning", "Cảnh báo", export_only=True)
    entered_by = Column("entered_by__username", "Người nhập", export_only=True)
    entered_at = Column("entered_at", "Nhập lúc", DateTimeWidget(), export_only=True)

    class Meta:
        model = Achievement
        clean_model_instances = False  # the report may not exist yet; the rules are ours
        fields = (
            "unit",
            "unit_name",
            "indicator",
            "indicator_name",
            "unit_of_measure",
            "year",
            "month",
            "value",
            "is_estimate",
            "measured_on",
            "note",
            "warning_reason",
            "status",
            "warning",
            "entered_by",
            "entered_at",
        )
        import_order = export_order = fields

    def before_import(self, dataset, **kwargs):
        years = set()
        for value in dataset[self.fields["year"].column_name]:
            try:
                years.add(self.fields["year"].widget.clean(value))
            except ValueError:
                continue
        self._reports = {
            (r.unit_id, r.year, r.month): r
            for r in MonthlyReport.objects.filter(year__in=years).select_related("unit")
        }
        by_pk = {r.pk: r for r in self._reports.values()}
        self._figures = {}
        stored = Achievement.objects.filter(report__year__in=years).select_related("indicator")
        for figure in stored:
            figure.report = by_pk[figure.report_id]
            self._figures[(figure.report_id, figure.indicator_id)] = figure
        self._new_reports = {}
        self._may_enter = {}
        self._batch = []
        self._rows = {}

    def get_or_init_instance(self, instance_loader, row):
        lookups = self.clean_key(row)
        unit, indicator = lookups["unit"], lookups["indicator"]
        year, month = lookups["year"], lookups["month"]
        report = self._reports.get((unit.pk, year, month))
        existing = self._figures.get((report.pk, indicator.pk)) if report else None
        if existing is not None:
            return existing, False
        if report is None:
            report = self._new_reports.setdefault(
                (unit.pk, year, month), MonthlyReport(unit=unit, year=year, month=month)
            )
        return Achievement(report=report, indicator=indicator), True

    def check_key(self, lookups):
        unit, indicator = lookups["unit"], lookups["indicator"]
        year, month = lookups["year"], lookups["month"]
        unit_column = self.fields["unit"].column_name
        indicator_column = self.fields["indicator"].column_name
        errors = {}
        if unit.pk not in self._may_enter:
            self._may_enter[unit.pk] = can_enter(self.user, unit)
        if not self._may_enter[unit.pk]:
            errors[unit_column] = [
                _("you may not enter the figures of %(unit)s.") % {"unit": unit.full_name}
            ]
        elif (unit.established_on and unit.established_on > month_end(year, month)) or (
            unit.retired_on and unit.retired_on <= month_start(year, month)
        ):
            errors[unit_column] = [
                _("%(unit)s did not exist in %(month)02d/%(year)s.")
                % {"unit": unit.full_name, "month": month, "year": year}
            ]
        if not indicator.is_entered:
            errors[indicator_column] = [
                _(
                    "%(code)s is computed from other indicators (%(name)s) and cannot be "
                    "imported; import its numerator and denominator instead."
                )
                % {"code": indicator.code, "name": indicator.name}
            ]
        elif not indicator.is_active:
            errors[indicator_column] = [
                _("the indicator %(code)s is no longer in use.") % {"code": indicator.code}
            ]
        elif unit_column not in errors and not indicator.applies_to_unit(unit):
            errors[indicator_column] = [
                _("“%(indicator)s” is not entered by %(unit)s.")
                % {"indicator": indicator.name, "unit": unit.full_name}
            ]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        if instance.value is None:
            return True  # no figure in the file: nothing to enter (an empty cell deletes nothing)
        if super().skip_row(instance, original, row, import_validation_errors):
            return True
        report = instance.report
        if report.pk and not report.is_editable:
            raise ValidationError(lower_first(services.locked_message(report)))
        return False

    def check_instance(self, instance, errors):
        column = self.fields["value"].column_name
        if column in errors or instance.value is None:
            return
        if instance.value >= MAX_FIGURE:
            errors[column] = [_("the number is too large.")]
            return
        problems = check_value(instance.indicator, instance.value)
        if problems:
            errors[column] = [lower_first(p) for p in problems]

    def save_instance(self, instance, is_create, row, **kwargs):
        """Kept for ``after_import``, which writes the figures month by month."""
        instance.import_row_number = self.row_number
        instance.import_reason = self.reason()
        self._batch.append(instance)

    def after_import_row(self, row, row_result, **kwargs):
        instance = row_result.instance
        if instance is not None and row_result.import_type in ("new", "update", "skip"):
            key = (instance.report.unit_id, instance.report.year, instance.report.month)
            self._rows.setdefault((*key, instance.indicator_id), []).append(row_result)

    def after_import(self, dataset, result, **kwargs):
        if result.has_errors() or result.has_validation_errors():
            return
        warnings = importing.figures_import(figures=self._batch, user=self.user)
        for key, row_results in self._rows.items():
            for row_result in row_results:
                if key in warnings:
                    row_result.warnings = warnings[key]
                elif row_result.instance.pk:
                    row_result.warnings = row_result.instance.warning.splitlines()

    def example(self, user):
        unit = (
            AdministrativeUnit.objects.filter(assignments__user=user).order_by("order").first()
            or AdministrativeUnit.objects.for_user(user).communes().order_by("order").first()
        )
        indicator = Indicator.objects.active().entered().first()
        return {
            "Mã đơn vị": unit.code if unit else "xa-an-binh",
            "Mã chỉ tiêu": indicator.code if indicator else "LD-1",
            "Năm": 2026,
            "Tháng": 10,
            "Giá trị": Decimal("4884"),
            "Ước tính": _("no"),
            "Ghi chú": "",
        }


# ---------------------------------------------------------------------------------------------
# Export only
# ---------------------------------------------------------------------------------------------


class MonthlyReportResource(SpreadsheetResource):
    select_related = ("unit", "submitted_by", "approved_by")

    unit = Column("unit", "Mã đơn vị", RelatedWidget(AdministrativeUnit))
    unit_name = Column("unit__full_name", "Đơn vị", export_only=True)
    year = Column("year", "Năm", year_widget())
    month = Column("month", "Tháng", month_widget())
    status = Column("status", "Trạng thái", ChoiceWidget(ReportStatus.choices))
    submitted_at = Column("submitted_at", "Gửi lúc", DateTimeWidget())
    submitted_by = Column("submitted_by__username", "Người gửi")
    approved_at = Column("approved_at", "Duyệt lúc", DateTimeWidget())
    approved_by = Column("approved_by__username", "Người duyệt")
    comment = Column("comment", "Ý kiến của huyện")

    class Meta:
        model = MonthlyReport
        fields = (
            "unit",
            "unit_name",
            "year",
            "month",
            "status",
            "submitted_at",
            "submitted_by",
            "approved_at",
            "approved_by",
            "comment",
        )
        import_order = export_order = fields


class FigureChangeResource(SpreadsheetResource):
    select_related = ("indicator", "unit", "user")

    at = Column("at", "Thời điểm", DateTimeWidget())
    kind = Column("kind", "Loại", ChoiceWidget(FigureChange.Kind.choices))
    indicator = Column("indicator", "Mã chỉ tiêu", RelatedWidget(Indicator))
    unit = Column("unit", "Mã đơn vị", RelatedWidget(AdministrativeUnit))
    year = Column("year", "Năm", year_widget())
    month = Column("month", "Tháng", month_widget())
    old_value = Column("old_value", "Giá trị cũ", DecimalWidget())
    new_value = Column("new_value", "Giá trị mới", DecimalWidget())
    reason = Column("reason", "Lý do")
    user = Column("user__username", "Người thực hiện")

    class Meta:
        model = FigureChange
        fields = (
            "at",
            "kind",
            "indicator",
            "unit",
            "year",
            "month",
            "old_value",
            "new_value",
            "reason",
            "user",
        )
        import_order = export_order = fields


class UnitAssignmentResource(SpreadsheetResource):
    select_related = ("user", "unit")

    username = Column("user__username", "Tên đăng nhập")
    full_name = Column("user__get_full_name", "Họ và tên")
    unit = Column("unit", "Mã đơn vị", RelatedWidget(AdministrativeUnit))
    unit_name = Column("unit__full_name", "Đơn vị")

    class Meta:
        model = UnitAssignment
        fields = ("username", "full_name", "unit", "unit_name")
        import_order = export_order = fields


RESOURCES = {
    resource._meta.model: resource
    for resource in (
        AdministrativeUnitResource,
        ProgramResource,
        IndicatorResource,
        TargetResource,
        AchievementResource,
        MonthlyReportResource,
        FigureChangeResource,
        UnitAssignmentResource,
    )
}
