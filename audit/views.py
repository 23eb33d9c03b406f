"""The audit pages: every visible change (filtered like the API), a school's, a teacher record's and an import
batch's history, and the events (logins, role changes, approvals, recomputes, imports). Each page exports its
rows as CSV or xlsx (?export=csv|xlsx). Thin: the selectors scope and read."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.pagination import paginate
from core.scoping import scope
from schools.models import School

from . import selectors
from .exports import export
from .forms import AuditFilterForm

EXPORTS = ("csv", "xlsx")


def _changes_page(request, rows, *, title: str, file_name: str, context: dict | None = None):
    file_format = request.GET.get("export")
    if file_format in EXPORTS:
        return export(rows, file_format, file_name)
    page, query = paginate(request, rows)
    entries = selectors.entries_for(list(page.object_list))
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "audit/changes.html",
        {
            "title": title,
            "page": page,
            "query": query,
            "entries": entries,
            "export_query": export_query.urlencode(),
            **(context or {}),
        },
    )


@login_required
def change_list(request):
    form = AuditFilterForm(request.GET or None, viewer=request.user)
    filters = form.selector_filters() if form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        rows = selectors.changes(request.user, kinds=())
    else:
        rows = selectors.changes(request.user, **filters)
    return _changes_page(request, rows, title=_("变更记录"), file_name="audit", context={"form": form})


@login_required
def school_history(request, code):
    school = scope(School.objects.select_related("county"), request.user).filter(code=code).first()
    if school is None:
        raise Http404
    rows = selectors.changes(request.user, school=school)
    return _changes_page(
        request,
        rows,
        title=_("%(school)s 的变更记录") % {"school": school.name},
        file_name=f"audit-school-{school.code}",
        context={"school": school},
    )


@login_required
def teacher_history(request, pk: int):
    if not selectors.teacher_visible(request.user, pk):
        raise Http404
    rows = selectors.changes(request.user, teacher=pk)
    return _changes_page(
        request,
        rows,
        title=_("教师记录的变更记录"),
        file_name=f"audit-teacher-{pk}",
        context={"teacher_pk": pk},
    )


@login_required
def batch_history(request, pk: int):
    if not selectors.batch_visible(request.user, pk):
        raise Http404
    rows = selectors.changes(request.user, batch=pk)
    return _changes_page(
        request,
        rows,
        title=_("导入批次 %(batch)s 的变更记录") % {"batch": pk},
        file_name=f"audit-batch-{pk}",
        context={"batch": pk},
    )


@login_required
def event_list(request):
    username = request.GET.get("user", "")[:150].replace("\x00", "") or None
    page, query = paginate(request, selectors.events(request.user, username=username))
    return render(request, "audit/events.html", {"page": page, "query": query, "username": username})
