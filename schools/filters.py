"""The filters of every list of regions, schools and their yearly inputs: one django-filter FilterSet per list,
used by the page (`/schools/?county=…`) and by the API (`/api/v1/schools/?county=…`) alike.

Scoping: the FilterSet filters a queryset the caller has already scoped, and its choices are scoped too, so a
county (or school) outside the user's region is not a valid choice. The page drops such a filter and flags it next
to the field; the API answers 400 (DjangoFilterBackend raises on an invalid form). Either way the answer is the
same whether the county exists or not, so a filter cannot be used to probe another county.

Every field validates its own input (integers, yes/no, choices, a length cap, no NUL byte), so garbage answers
400 with a message keyed by the parameter instead of reaching the database.

Schools are never listed as choices (a province official sees 15 000): a school filter is a text field, a school
code or part of a name, resolved against the schools the user may see.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import RegionLevel
from core.forms import QuickSelect
from core.models import Region
from core.scoping import scope, visible_counties, visible_regions

from .choices import ClassStage, Ownership, SchoolKind, UrbanRuralCode
from .models import Achievement, CountyYear, Funding, Monitoring, School, SchoolClass, SchoolYear

MIN_YEAR, MAX_YEAR = 1990, 2100
TEXT_MAX_LENGTH = 100
INVALID_CHOICE = _("不是可选的值，请从列表中选择")
OUT_OF_SCOPE = _("不在您可查看的范围内，或不存在")
YES_NO_HELP = _("是/否：1/0、true/false、yes/no、是/否")
# Django's own Chinese for this reads "empty string", which would send the user looking for the wrong thing.
NUL_CHARACTER = {"null_characters_not_allowed": _("含有空字符（NUL），请删除后重试")}


def _user(request):
    return getattr(request, "user", None)


def counties_of(request):
    return visible_counties(_user(request)).order_by("code")


def regions_of(request):
    return visible_regions(_user(request)).order_by("code")


def schools_of(request):
    return scope(School.objects.all(), _user(request))


# ---------------------------------------------------------------- filters that validate their own input


def choice(label, choices, field_name=None, **kwargs):
    """A choice among fixed values; an unknown value is refused without echoing it back."""
    return django_filters.ChoiceFilter(
        field_name=field_name,
        label=label,
        choices=choices,
        empty_label=_("全部"),
        error_messages={"invalid_choice": INVALID_CHOICE, **NUL_CHARACTER},
        widget=QuickSelect,
        **kwargs,
    )


class _ModelChoiceField(django_filters.fields.ModelChoiceField):
    def validate_no_null_characters(self, value):
        # Django checks this outside the field's validators, so error_messages cannot reword it.
        if "\x00" in str(value):
            raise ValidationError(
                NUL_CHARACTER["null_characters_not_allowed"], code="null_characters_not_allowed"
            )


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice among a queryset built for the request (the user's counties, plans …)."""

    field_class = _ModelChoiceField


def county_choice(field_name="county"):
    """One of the user's counties, by code; another county's code is refused like an unknown one."""
    return ModelChoiceFilter(
        field_name=field_name,
        label=_("区县"),
        help_text=_("区县代码（6位），限您可查看的区县"),
        queryset=counties_of,
        to_field_name="code",
        empty_label=_("全部区县"),
        error_messages={"invalid_choice": OUT_OF_SCOPE, **NUL_CHARACTER},
        widget=QuickSelect,
    )


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals: `year=2024.5` must be refused)."""

    field_class = forms.IntegerField


def year_filter(field_name="year", label=None):
    label = label or _("学年")
    return IntegerFilter(field_name=field_name, label=label, min_value=MIN_YEAR, max_value=MAX_YEAR)


def text_filter(label, field_name=None, lookup_expr="exact", **kwargs):
    # forms.CharField refuses NUL bytes by itself; the length cap keeps a pasted page out of the query.
    return django_filters.CharFilter(
        field_name=field_name,
        label=label,
        lookup_expr=lookup_expr,
        max_length=TEXT_MAX_LENGTH,
        error_messages=NUL_CHARACTER,
        **kwargs,
    )


class YesNoField(forms.TypedChoiceField):
    """Yes/no that accepts what people and scripts write (1/0, true/false, yes/no, 是/否) and refuses the rest."""

    TRUE = {"1", "true", "yes", "y", "是"}
    FALSE = {"0", "false", "no", "n", "否"}

    def __init__(self, *, yes_label=None, no_label=None, **kwargs):
        super().__init__(
            choices=[("", _("全部")), ("1", yes_label or _("是")), ("0", no_label or _("否"))],
            coerce=lambda value: value == "1",
            empty_value=None,
            error_messages={"invalid_choice": _("应为 是/否（1/0、true/false）")},
            widget=QuickSelect,
            **kwargs,
        )

    def to_python(self, value):
        value = super().to_python(value).strip().lower()
        if value in self.TRUE:
            return "1"
        if value in self.FALSE:
            return "0"
        return value


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", YES_NO_HELP)
        super().__init__(*args, **kwargs)


class SchoolSearchField(forms.CharField):
    """A school among those the user may see: a 10-digit school code (exact) or part of its name.

    Cleans to the School for a code, or to a queryset of the schools whose name matches; nothing found (another
    county's school included) is an error, so the page can flag it and the API refuse it.
    """

    default_validators = [ProhibitNullCharactersValidator()]

    def __init__(self, *, queryset, **kwargs):
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
        kwargs.setdefault("error_messages", NUL_CHARACTER)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"type": "search", "placeholder": _("学校标识码或名称")})
        )
        super().__init__(**kwargs)
        self.queryset = queryset

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        if value.isascii() and value.isdigit() and len(value) == 10:
            school = self.queryset.filter(code=value).first()
            if school is None:
                raise ValidationError(
                    _("学校标识码 %(code)s 不在您可查看的范围内，或不存在"),
                    code="scope",
                    params={"code": value},
                )
            return school
        schools = self.queryset.filter(name__icontains=value)
        if not schools.exists():
            # The text goes in `params`: formatted into the message, a "%" in it would break the API's error
            # answer (django-filter formats the message with the params once more).
            raise ValidationError(_("没有名称含“%(text)s”的学校"), code="scope", params={"text": value})
        return schools


class SchoolSearchFilter(django_filters.filters.QuerySetRequestMixin, django_filters.CharFilter):
    """Filter rows by their school (`field_name` is the path to it, "" for the school itself)."""

    field_class = SchoolSearchField

    def __init__(self, field_name="school", **kwargs):
        kwargs.setdefault("label", _("学校"))
        kwargs.setdefault("help_text", _("学校标识码（10位，精确匹配）或学校名称的一部分，限您可查看的学校"))
        kwargs.setdefault("queryset", schools_of)
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        prefix = f"{self.field_name}__" if self.field_name else ""
        if isinstance(value, School):
            return qs.filter(**{f"{prefix}pk": value.pk})
        return qs.filter(**{f"{prefix}pk__in": value.values("pk")})


# ---------------------------------------------------------------- the FilterSets


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose fields are built for the request at hand.

    django-filter caches a filter's form field on first use and copies the class's filters into each instance;
    anything that builds a field on the class-level filters (schema generation reads some) would otherwise hand
    one user's county choices to every later request.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            vars(filter_).pop("_field", None)


class RegionFilter(ScopedFilterSet):
    level = choice(_("级别"), RegionLevel.choices)
    parent = ModelChoiceFilter(
        label=_("上级行政区"),
        queryset=regions_of,
        to_field_name="code",
        empty_label=_("全部"),
        error_messages={"invalid_choice": OUT_OF_SCOPE, **NUL_CHARACTER},
        widget=QuickSelect,
    )

    class Meta:
        model = Region
        fields = ["level", "parent"]


class SchoolFilter(ScopedFilterSet):
    q = text_filter(
        _("搜索"),
        method="search",
        help_text=_("学校标识码或名称的一部分"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("学校标识码或名称")}),
    )
    county = county_choice()
    kind = choice(_("办学类型"), SchoolKind.choices)
    urban_rural_code = choice(_("城乡分类"), UrbanRuralCode.choices)
    ownership = choice(_("办学性质"), Ownership.choices)
    boarding = YesNoFilter(label=_("寄宿制"))
    urban_quality_reference = YesNoFilter(label=_("城区优质学校"))

    class Meta:
        model = School
        fields = [
            "q",
            "county",
            "kind",
            "urban_rural_code",
            "ownership",
            "boarding",
            "urban_quality_reference",
        ]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class SchoolRowFilter(ScopedFilterSet):
    """Rows keyed by school and year (school years, funding)."""

    county = county_choice("school__county")
    school = SchoolSearchFilter()
    year = year_filter()


class SchoolYearFilter(SchoolRowFilter):
    class Meta:
        model = SchoolYear
        fields = ["county", "school", "year"]


class FundingFilter(SchoolRowFilter):
    class Meta:
        model = Funding
        fields = ["county", "school", "year"]


class AchievementFilter(SchoolRowFilter):
    stage = choice(_("学段"), ClassStage.choices)
    subject = text_filter(_("学科"))

    class Meta:
        model = Achievement
        fields = ["county", "school", "year", "stage", "subject"]


class SchoolClassFilter(SchoolRowFilter):
    stage = choice(_("学段"), ClassStage.choices)
    grade = IntegerFilter(label=_("年级"), min_value=1, max_value=9)
    min_students = IntegerFilter(
        field_name="students", lookup_expr="gte", label=_("学生数不少于"), min_value=0, max_value=10_000
    )

    class Meta:
        model = SchoolClass
        fields = ["county", "school", "year", "stage", "grade", "min_students"]


class CountyYearFilter(ScopedFilterSet):
    county = county_choice()
    year = year_filter()

    class Meta:
        model = CountyYear
        fields = ["county", "year"]


class MonitoringFilter(CountyYearFilter):
    stage = choice(_("学段"), ClassStage.choices)
    subject = text_filter(_("学科"))

    class Meta:
        model = Monitoring
        fields = ["county", "year", "stage", "subject"]
