"""Data-quality pages: the counties' checks, one county-year's violations (with links to the records, an xlsx
export and a "check now" button), and the validation rules administrators edit.

Access: a county outside the user's region is not found (404); "check now" is for those who may change the county
(its clerk, administrators: 403 otherwise); rules are read by everyone signed in and changed by administrators.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from core.forms import apply_validation_error, make_read_only
from core.pagination import paginate
from core.scoping import can_edit_county

from . import selectors, services
from .forms import RuleForm, YearForm
from .kinds import KINDS, MEASURES
from .models import Severity


@login_required
def county_list(request):
    page, query = paginate(request, selectors.county_overview(request.user))
    checks = selectors.latest_checks(page.object_list)
    rows = [{"county": county, "run": checks.get(county.pk)} for county in page.object_list]
    return render(request, "quality/county_list.html", {"page": page, "query": query, "rows": rows})


def _year(request, county) -> tuple[int | None, dict]:
    form = YearForm(request.GET)
    chosen = form.cleaned_data if form.is_valid() else {}
    year = chosen.get("year")
    if year is None:
        years = selectors.county_years(county)
        year = years[0] if years else None
    return year, chosen


@login_required
def county_checks(request, code):
    county = selectors.county_for(request.user, code)
    year, chosen = _year(request, county)
    run = selectors.check_get(county, year) if year else None
    rows = selectors.violation_rows(run, rule=chosen.get("rule") or "", severity=chosen.get("severity") or "")
    return render(
        request,
        "quality/county_checks.html",
        {
            "county": county,
            "year": year,
            "years": selectors.county_years(county),
            "panel": selectors.panel(county, year),
            "rows": rows,
            "chosen_rule": chosen.get("rule") or "",
            "chosen_severity": chosen.get("severity") or "",
            "rules": selectors.rule_list(),
            "can_check": can_edit_county(request.user, county.pk),
        },
    )


@login_required
@require_POST
def check_now(request, code):
    county = selectors.county_for(request.user, code)
    if not can_edit_county(request.user, county.pk):
        raise PermissionDenied
    year, _chosen = _year(request, county)
    if (request.POST.get("year") or "").isdigit() and 1990 <= int(request.POST["year"]) <= 2100:
        year = int(request.POST["year"])
    if year is None:
        messages.error(request, _("该区县还没有任何学年的数据，无需检查。"))
        return redirect("quality:county_checks", code=county.code)
    run = services.check_now(user=request.user, county_id=county.pk, year=year)
    messages.success(
        request,
        _("%(year)s学年数据检查完成：%(errors)s 个错误，%(warnings)s 个警告。")
        % {"year": year, "errors": run.errors, "warnings": run.warnings},
    )
    return redirect(f"/quality/counties/{county.code}/?year={year}")


def _cell(value) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value or ""))
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


@login_required
def export(request, code):
    county = selectors.county_for(request.user, code)
    year, _chosen = _year(request, county)
    run = selectors.check_get(county, year) if year else None
    book = Workbook()
    sheet = book.active
    sheet.title = _("数据质量")
    header = [_("规则"), _("严重程度"), _("学校标识码"), _("记录"), _("问题"), _("链接")]
    sheet.append([_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    base = request.build_absolute_uri("/").rstrip("/")
    for row in selectors.violation_rows(run):
        sheet.append(
            [
                _cell(row.rule),
                _cell(row.severity_label),
                _cell(row.school_code),
                _cell(row.label),
                _cell(row.message),
                _cell(base + row.url if row.url else ""),
            ]
        )
    for letter, width in zip("ABCDEF", (26, 10, 14, 30, 60, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="quality-{county.code}-{year or "none"}.xlsx"'
    return response


# ---------------------------------------------------------------- rules


def _param_rows(rule) -> list[dict]:
    kind = KINDS.get(rule.kind)
    if kind is None:
        return []
    return [
        {
            "name": spec.name,
            "label": spec.label,
            "default": spec.default,
            "value": (rule.params or {}).get(spec.name, spec.default),
        }
        for spec in kind.params
    ]


@login_required
def rule_list(request):
    rules = [
        {
            "rule": rule,
            "name": selectors.rule_name(rule),
            "kind": KINDS[rule.kind].label if rule.kind in KINDS else rule.kind,
            "params": _param_rows(rule),
        }
        for rule in selectors.rule_list()
    ]
    return render(
        request,
        "quality/rule_list.html",
        {"rules": rules, "is_admin": getattr(request.user, "is_admin", False)},
    )


@login_required
def rule_edit(request, code):
    rule = selectors.rule_get(code)
    is_admin = getattr(request.user, "is_admin", False)
    if request.method == "POST" and not is_admin:
        raise PermissionDenied
    form = RuleForm(request.POST or None, instance=selectors.rule_get(code))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.rule_update(user=request.user, rule=rule, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("规则已保存；已检查过的区县学年将按新规则重新检查。"))
            return redirect("quality:rule_list")
    if not is_admin:
        make_read_only(form)
    return render(
        request,
        "quality/rule_edit.html",
        {
            "rule": rule,
            "name": selectors.rule_name(rule),
            "kind": KINDS[rule.kind].label if rule.kind in KINDS else rule.kind,
            "form": form,
            "params": _param_rows(rule),
            "measures": [{"name": k, "label": m.label, "unit": m.unit} for k, m in MEASURES.items()],
            "is_admin": is_admin,
            "severities": Severity.choices,
        },
    )
