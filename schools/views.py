"""The browser pages for schools and county inputs. Thin: read through selectors, write through services.

Access: an object outside the user's region is not found (404, GET and POST alike); a user who can see but not
change it (an official) gets the page read-only and 403 on POST.
"""

import mimetypes
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import apply_validation_error, attach_entry_warnings, make_read_only, message_entry_warnings
from core.pagination import paginate
from core.scoping import can_edit_county, editable_counties

from . import selectors, services
from .choices import SUBJECTS
from .filters import SchoolFilter
from .forms import (
    AchievementFormSet,
    ClassFormSet,
    CountyYearForm,
    DeclarationForm,
    DeclarationReviewForm,
    FundingForm,
    MonitoringFormSet,
    SchoolForm,
    SchoolYearForm,
    YearPickForm,
)
from .models import CountyYear, Funding, School, SchoolYear

MIN_YEAR, MAX_YEAR = 1990, 2100


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404


def _school_for(request, code: str):
    """The school (404 outside the user's scope) and whether the user may change it (403 on POST if not)."""
    school = selectors.school_get(user=request.user, code=code)
    can_edit = can_edit_county(request.user, school.county_id)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    return school, can_edit


def _county_for(request, code: str):
    county = selectors.county_get(user=request.user, code=code)
    can_edit = can_edit_county(request.user, county.pk)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    return county, can_edit


class _Rollback(Exception):
    pass


def _save_rows(formset, save_row, delete_row=None) -> bool:
    """Write a formset's changes through the services in one transaction; any row the service rejects gets its
    message next to its fields and nothing is written."""
    try:
        with transaction.atomic():
            failed = False
            for instance in formset.deleted_rows() if delete_row else []:
                try:
                    delete_row(instance)
                except ValidationError as error:  # e.g. the county-year is signed off (signoff.EditLocked)
                    formset.non_form_errors().extend(error.messages)
                    failed = True
            for form in formset.kept_forms():
                try:
                    with transaction.atomic():
                        save_row(form)
                except ValidationError as error:
                    apply_validation_error(form, error)
                    failed = True
            if failed:
                raise _Rollback
    except _Rollback:
        return False
    return True


# ---------------------------------------------------------------- schools


@login_required
def school_list(request):
    filterset = SchoolFilter(request.GET or None, selectors.school_list(user=request.user), request=request)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "schools/school_list.html",
        {
            "filter_form": filterset.form,
            "page": page,
            "query": query,
            "can_create": editable_counties(request.user).exists(),
        },
    )


@login_required
def school_create(request):
    if not editable_counties(request.user).exists():
        raise PermissionDenied
    form = SchoolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        county = data.pop("county")
        try:
            school = services.school_create(user=request.user, county=county, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("学校已创建"))
            message_entry_warnings(request, school.pk, None, "school")
            return redirect("dashboards:school_detail", code=school.code)
    return render(request, "schools/school_form.html", {"form": form, "school": None})


@login_required
def school_edit(request, code):
    school, can_edit = _school_for(request, code)
    if not can_edit:
        raise PermissionDenied
    # The form works on its own copy so a rejected edit does not rename the school in the page header.
    form = SchoolForm(request.POST or None, instance=School.objects.get(pk=school.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            school = services.school_update(user=request.user, school=school, **form.service_data())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("学校信息已保存"))
            message_entry_warnings(request, school.pk, None, "school")
            return redirect("dashboards:school_detail", code=school.code)
    attach_entry_warnings(form, school.pk, None, "school")
    return render(request, "schools/school_form.html", {"form": form, "school": school})


@login_required
def year_pick(request, code):
    school, can_edit = _school_for(request, code)
    form = YearPickForm(request.GET)
    if form.is_valid():
        return redirect("schools:school_year", code=school.code, year=form.cleaned_data["year"])
    messages.error(request, _("请填写1990至2100之间的学年，例如 2024"))
    return redirect("dashboards:school_detail", code=school.code)


def _year_context(school, year, can_edit, tab):
    return {"school": school, "year": year, "can_edit": can_edit, "tab": tab, "subjects": SUBJECTS}


def _year_row_form(
    request, code, year, *, model, form_class, get, save, tab, template, saved_message, warnings_page=None
):
    """One school's single row for a year (facts, funding): the form, its service save, read-only for readers."""
    _check_year(year)
    school, can_edit = _school_for(request, code)
    instance = get(school=school, year=year) or model(school=school, year=year)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            save(user=request.user, school=school, year=year, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, saved_message % {"year": year})
            return redirect(request.resolver_match.view_name, code=school.code, year=year)
    if not can_edit:
        make_read_only(form)
    if warnings_page:
        attach_entry_warnings(form, school.pk, year, warnings_page)
    context = _year_context(school, year, can_edit, tab)
    context.update(form=form, exists=instance.pk is not None)
    return render(request, template, context)


@login_required
def school_year(request, code, year):
    return _year_row_form(
        request,
        code,
        year,
        model=SchoolYear,
        form_class=SchoolYearForm,
        get=selectors.school_year_get,
        save=services.school_year_save,
        tab="facts",
        template="schools/school_year.html",
        saved_message=_("%(year)s学年基本数据已保存"),
        warnings_page="school_year",
    )


def _row_data(form) -> dict:
    """A formset row's values for its service: without the formset's own id and DELETE fields."""
    return {k: v for k, v in form.cleaned_data.items() if k not in ("id", "DELETE")}


def _year_table(
    request,
    code,
    year,
    *,
    formset_class,
    rows,
    prefix,
    save,
    delete,
    tab,
    template,
    saved_message,
    warnings_page=None,
):
    """One school's table of rows for a year (classes, achievement): saved row by row through the services in one
    transaction, read-only for readers."""
    _check_year(year)
    school, can_edit = _school_for(request, code)
    formset = formset_class(request.POST or None, queryset=rows(school=school, year=year), prefix=prefix)
    if request.method == "POST" and formset.is_valid():
        if _save_rows(formset, lambda form: save(school, form), delete):
            messages.success(request, saved_message % {"year": year})
            return redirect(request.resolver_match.view_name, code=school.code, year=year)
    if not can_edit:
        formset.extra = 0
        for form in formset:
            make_read_only(form)
    if warnings_page:
        attach_entry_warnings(formset, school.pk, year, warnings_page)
    context = _year_context(school, year, can_edit, tab)
    context["formset"] = formset
    return render(request, template, context)


@login_required
def school_classes(request, code, year):
    def save(school, form):
        if form.instance.pk:
            services.school_class_update(user=request.user, school_class=form.instance, **_row_data(form))
        else:
            services.school_class_save(user=request.user, school=school, year=year, **_row_data(form))

    return _year_table(
        request,
        code,
        year,
        formset_class=ClassFormSet,
        rows=selectors.school_classes,
        prefix="classes",
        save=save,
        delete=lambda instance: services.school_class_delete(user=request.user, school_class=instance),
        tab="classes",
        template="schools/school_classes.html",
        saved_message=_("%(year)s学年班级已保存"),
        warnings_page="classes",
    )


@login_required
def school_funding(request, code, year):
    return _year_row_form(
        request,
        code,
        year,
        model=Funding,
        form_class=FundingForm,
        get=selectors.funding_get,
        save=services.funding_save,
        tab="funding",
        template="schools/school_funding.html",
        saved_message=_("%(year)s学年经费已保存"),
    )


@login_required
def school_achievement(request, code, year):
    return _year_table(
        request,
        code,
        year,
        formset_class=AchievementFormSet,
        rows=selectors.school_achievements,
        prefix="achievement",
        save=lambda school, form: services.achievement_save(
            user=request.user, school=school, year=year, **_row_data(form)
        ),
        delete=lambda instance: services.achievement_delete(user=request.user, achievement=instance),
        tab="achievement",
        template="schools/school_achievement.html",
        saved_message=_("%(year)s学年学业质量已保存"),
    )


# ---------------------------------------------------------------- counties


@login_required
def county_list(request):
    page, query = paginate(request, selectors.county_list(user=request.user))
    return render(request, "schools/county_list.html", {"page": page, "query": query})


@login_required
def county_detail(request, code):
    county, can_edit = _county_for(request, code)
    page, query = paginate(request, selectors.county_years(county=county))
    return render(
        request,
        "schools/county_detail.html",
        {"county": county, "can_edit": can_edit, "page": page, "query": query, "year_form": YearPickForm()},
    )


@login_required
def county_year_pick(request, code):
    county, _can_edit = _county_for(request, code)
    form = YearPickForm(request.GET)
    if form.is_valid():
        return redirect("schools:county_year", code=county.code, year=form.cleaned_data["year"])
    messages.error(request, _("请填写1990至2100之间的学年，例如 2024"))
    return redirect("schools:county_detail", code=county.code)


@login_required
def county_year(request, code, year):
    _check_year(year)
    county, can_edit = _county_for(request, code)
    instance = selectors.county_year_get(county=county, year=year) or CountyYear(county=county, year=year)
    form = CountyYearForm(request.POST or None, instance=instance)
    formset = MonitoringFormSet(
        request.POST or None,
        queryset=selectors.county_monitoring(county=county, year=year),
        prefix="monitoring",
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():

        def save(row):
            services.monitoring_save(user=request.user, county=county, year=year, **_row_data(row))

        def delete(instance):
            services.monitoring_delete(user=request.user, monitoring=instance)

        saved = False
        try:
            with transaction.atomic():
                services.county_year_save(user=request.user, county=county, year=year, **form.cleaned_data)
                if not _save_rows(formset, save, delete):
                    raise _Rollback
                saved = True
        except ValidationError as error:
            apply_validation_error(form, error)
        except _Rollback:
            pass
        if saved:
            messages.success(request, _("%(year)s学年区县数据已保存") % {"year": year})
            return redirect("schools:county_year", code=county.code, year=year)
    if not can_edit:
        make_read_only(form)
        formset.extra = 0
        for row in formset:
            make_read_only(row)
    return render(
        request,
        "schools/county_year.html",
        {
            "county": county,
            "year": year,
            "can_edit": can_edit,
            "form": form,
            "formset": formset,
            "exists": instance.pk is not None,
            "subjects": SUBJECTS,
        },
    )


# ---------------------------------------------------------------- qualitative items and their evidence (佐证材料)


def _declaration_context(request, code: str, year: int):
    _check_year(year)
    county = selectors.county_get(user=request.user, code=code)  # another county's → 404
    return county, can_edit_county(request.user, county.pk), selectors.can_review_county(request.user, county)


@login_required
def declaration_list(request, code, year):
    """The county-year's qualitative items: declared or not, the note, the evidence file, the review."""
    county, can_edit, can_review = _declaration_context(request, code, year)
    return render(
        request,
        "schools/declaration_list.html",
        {
            "county": county,
            "year": year,
            "items": selectors.county_declarations(county=county, year=year),
            "can_edit": can_edit,
            "can_review": can_review,
        },
    )


@login_required
def declaration_edit(request, code, year, item):
    """One item: the clerk's (or an administrator's) declaration form and the reviewer's mark. An official of the
    city above may only review (403 on the declaration form); any other user outside the county gets 404."""
    county, can_edit, can_review = _declaration_context(request, code, year)
    name = selectors.declaration_item(code=item)
    declaration = selectors.declaration_get(county=county, year=year, code=item)
    form, review_form = None, None
    status = 200
    if request.method == "POST" and "review_state" in request.POST:
        if not can_review or declaration is None:
            raise PermissionDenied
        review_form = DeclarationReviewForm(request.POST)
        if review_form.is_valid():
            try:
                services.declaration_review(
                    user=request.user,
                    declaration=declaration,
                    state=review_form.cleaned_data["review_state"],
                    comment=review_form.cleaned_data["review_comment"],
                )
            except ValidationError as error:
                apply_validation_error(review_form, error)
            else:
                messages.success(request, _("已记录审核意见"))
                return redirect("schools:declaration_list", code=county.code, year=year)
        status = 400
    elif request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = DeclarationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.declaration_save(
                    user=request.user, county=county, year=year, item_code=item, **form.values()
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("已保存申报"))
                return redirect("schools:declaration_list", code=county.code, year=year)
        status = 400
    if form is None and can_edit:
        met = {True: "yes", False: "no"}.get(declaration.met) if declaration else ""
        form = DeclarationForm(initial={"met": met or "", "note": declaration.note if declaration else ""})
    if review_form is None and can_review and declaration is not None:
        review_form = DeclarationReviewForm(
            initial={"review_state": declaration.review_state, "review_comment": declaration.review_comment}
        )
    return render(
        request,
        "schools/declaration_form.html",
        {
            "county": county,
            "year": year,
            "code": item,
            "name": name,
            "declaration": declaration,
            "form": form,
            "review_form": review_form,
        },
        status=status,
    )


@login_required
def declaration_evidence(request, code, year, item):
    """The evidence file, as an attachment named after the item (the stored name is random, its extension found by
    the content check); only to users who see the county (another county's → 404)."""
    county, _can_edit, _can_review = _declaration_context(request, code, year)
    name = selectors.declaration_item(code=item)
    declaration = selectors.declaration_get(county=county, year=year, code=item)
    if declaration is None or not declaration.evidence:
        raise Http404
    extension = os.path.splitext(declaration.evidence.name)[1].lower()
    response = FileResponse(
        declaration.evidence.open("rb"),
        as_attachment=True,
        filename=f"{county.name}-{year}-{name}{extension}",
        content_type=mimetypes.guess_type(f"x{extension}")[0] or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
