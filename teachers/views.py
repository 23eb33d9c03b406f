"""Teacher roster pages. A teacher's name is personal data: it appears only in page bodies, never in URLs, page
titles or messages (those name the teacher number)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_validation_error, attach_entry_warnings, message_entry_warnings
from core.pagination import paginate
from core.scoping import can_edit_county, editable_counties, scope
from schools.choices import SUBJECTS
from schools.models import School

from . import selectors, services
from .filters import TeacherFilter
from .forms import TeacherForm


def _list_url(teacher) -> str:
    return f"/teachers/?school={teacher.school.code}&year={teacher.year}"


@login_required
def teacher_list(request):
    filterset = TeacherFilter(request.GET or None, selectors.teacher_list(user=request.user), request=request)
    teachers = filterset.qs  # validates the form: cleaned_data below
    chosen = filterset.form.cleaned_data if filterset.is_bound else {}
    page, query = paginate(request, selectors.teacher_rows(teachers, year=chosen.get("year")))
    school = chosen.get("school")
    return render(
        request,
        "teachers/teacher_list.html",
        {
            "filter_form": filterset.form,
            "page": page,
            "query": query,
            "can_create": editable_counties(request.user).exists(),
            # "New teacher" starts in the school and year shown, when the filter named one school (by its code).
            "new_school": school if isinstance(school, School) else None,
            "new_year": chosen.get("year"),
        },
    )


@login_required
def teacher_create(request):
    if not editable_counties(request.user).exists():
        raise PermissionDenied
    initial = {}
    school_code = request.GET.get("school")
    if school_code:
        # Only a school the user may change is offered; anything else is simply not preselected.
        school = scope(School.objects.all(), request.user, for_write=True).filter(code=school_code).first()
        if school is not None:
            initial["school"] = school
    if (request.GET.get("year") or "").isdigit():
        initial["year"] = int(request.GET["year"])
    form = TeacherForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            teacher = services.teacher_create(
                user=request.user,
                school=form.cleaned_data["school"],
                year=form.cleaned_data["year"],
                **form.service_data(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("教师 %(id)s 已保存") % {"id": teacher.teacher_id})
            message_entry_warnings(request, teacher.school_id, teacher.year, "teachers")
            if "add_another" in request.POST:
                return redirect(f"/teachers/new/?school={teacher.school.code}&year={teacher.year}")
            return redirect(_list_url(teacher))
    return render(
        request, "teachers/teacher_form.html", {"form": form, "teacher": None, "subjects": SUBJECTS}
    )


@login_required
def teacher_edit(request, pk):
    teacher = selectors.teacher_get(user=request.user, pk=pk)
    can_edit = can_edit_county(request.user, teacher.school.county_id)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = TeacherForm(
        request.POST or None, instance=selectors.teacher_get(user=request.user, pk=pk), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data.update(school=form.cleaned_data["school"], year=form.cleaned_data["year"])
        try:
            teacher = services.teacher_update(user=request.user, teacher=teacher, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("教师 %(id)s 已保存") % {"id": teacher.teacher_id})
            message_entry_warnings(request, teacher.school_id, teacher.year, "teachers")
            return redirect(_list_url(teacher))
    if not can_edit:
        # Officials read the record; the school list of the form is empty for them, so show the school as text.
        form.fields["school"].queryset = School.objects.filter(pk=teacher.school_id)
        for field in form.fields.values():
            field.disabled = True
    attach_entry_warnings(form, teacher.school_id, teacher.year, "teachers")
    return render(
        request,
        "teachers/teacher_form.html",
        {"form": form, "teacher": teacher, "can_edit": can_edit, "subjects": SUBJECTS},
    )


@login_required
@require_POST
def teacher_delete(request, pk):
    teacher = selectors.teacher_get(user=request.user, pk=pk)
    if not can_edit_county(request.user, teacher.school.county_id):
        raise PermissionDenied
    url, teacher_id = _list_url(teacher), teacher.teacher_id
    try:
        services.teacher_delete(user=request.user, teacher=teacher)
    except ValidationError as error:  # the county-year is signed off (signoff.EditLocked)
        messages.error(request, " ".join(error.messages))
        return redirect(url)
    messages.success(request, _("教师 %(id)s 已删除") % {"id": teacher_id})
    return redirect(url)
