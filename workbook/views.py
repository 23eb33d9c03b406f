"""Import and export pages: upload → dry-run preview → confirm → progress; batch list; downloads. Thin views:
reads via workbook.batches / core.scoping, writes via the batch services and Celery tasks."""

import io
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagination import paginate
from core.scoping import visible_counties

from . import batches, exporters, feedback
from .forms import ExportForm, UploadForm
from .models import ImportBatch
from .spec import SHEETS_BY_KEY
from .tasks import run_import, validate_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _batch(request, pk) -> ImportBatch:
    return get_object_or_404(batches.batches_for(request.user), pk=pk)


@login_required
def batch_list(request):
    page, query = paginate(request, batches.batches_for(request.user).select_related("created_by"))
    return render(
        request,
        "imports/list.html",
        {
            "page": page,
            "query": query,
            "can_import": batches.can_import(request.user),
            "export_form": ExportForm(counties=visible_counties(request.user)),
        },
    )


@login_required
def upload(request):
    if not batches.can_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = batches.batch_create(user=request.user, uploaded=form.cleaned_data["file"])
        if batch.file.size > batches.INLINE_BYTES:
            transaction.on_commit(lambda: validate_import.delay(batch.pk))
        else:
            batches.batch_validate(batch.pk)
        return redirect("imports:detail", pk=batch.pk)
    return render(request, "imports/upload.html", {"form": form})


def _sheet_counts(batch):
    rows = []
    for key, counts in (batch.counts or {}).items():
        sheet = SHEETS_BY_KEY.get(key)
        rows.append({"name": sheet.zh if sheet else key, **counts})
    return rows


@login_required
def detail(request, pk):
    batch = _batch(request, pk)
    may_confirm = batch.status == ImportBatch.Status.PREVIEW and (
        request.user.is_admin or batch.created_by_id == request.user.pk
    )
    return render(
        request,
        "imports/detail.html",
        {
            "batch": batch,
            "counts": _sheet_counts(batch),
            "problems": feedback.summary(batch.errors) if batch.errors else None,
            "changes": batch.changes if batch.status == ImportBatch.Status.PREVIEW else [],
            "may_confirm": may_confirm,
            "in_progress": batch.status
            in (ImportBatch.Status.PENDING, ImportBatch.Status.VALIDATING, ImportBatch.Status.RUNNING),
        },
    )


@login_required
def progress(request, pk):
    batch = _batch(request, pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_display": batch.get_status_display(),
            "percent": batch.percent,
            "rows_done": batch.rows_done,
            "rows_total": batch.rows_total,
            "current_sheet": batch.current_sheet,
        }
    )


@login_required
@require_POST
def confirm(request, pk):
    batch = _batch(request, pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        messages.warning(request, _("该批次不在待确认状态。"))
        return redirect("imports:detail", pk=batch.pk)
    if not (request.user.is_admin or batch.created_by_id == request.user.pk):
        raise PermissionDenied
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, rows_done=0)
    if batch.file.size > batches.INLINE_BYTES:
        user_id = request.user.pk
        transaction.on_commit(lambda: run_import.delay(batch.pk, user_id))
    else:
        batch = batches.batch_run(batch.pk, user=request.user)
        if batch.status == ImportBatch.Status.DONE:
            messages.success(request, _("导入完成。"))
    return redirect("imports:detail", pk=batch.pk)


@login_required
def error_report(request, pk):
    batch = _batch(request, pk)
    if not batch.error_report:
        raise Http404
    return FileResponse(
        batch.error_report.open("rb"), as_attachment=True, filename=f"错误报告-{batch.pk}.xlsx"
    )


@login_required
def original_file(request, pk):
    batch = _batch(request, pk)
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=batch.file_name)


@login_required
def template(request):
    buffer = io.BytesIO()
    exporters.write_template(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="标准数据模板.xlsx", content_type=XLSX)


@login_required
def export(request):
    form = ExportForm(request.GET or None, counties=visible_counties(request.user))
    if not form.is_valid():
        raise Http404
    county = form.cleaned_data["county"]
    year = form.cleaned_data["year"]
    kind = form.cleaned_data["format"]
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    suffix = f"-{year}" if year else ""
    if kind == "csv":
        exporters.write_county_csv_zip(spool, [county.pk], year)
        filename, content_type = f"{county.code}{suffix}-csv.zip", "application/zip"
    elif kind == "report":
        from indicators.selectors import county_report

        report = county_report(county.pk, year)
        if report is None:
            messages.warning(request, _("该区县尚无监测结果，请先导入数据并等待计算完成。"))
            return redirect("imports:list")
        exporters.write_report_workbook(spool, report)
        filename, content_type = f"{county.code}-{report.get('year')}-监测报告.xlsx", XLSX
    else:
        exporters.write_county_workbook(spool, [county.pk], year)
        filename, content_type = f"{county.code}{suffix}.xlsx", XLSX
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=content_type)


# ---------------------------------------------------------------- a plan's ledger (台账)


@login_required
def ledger_export(request, plan_pk: int):
    from plans import selectors as plan_selectors

    from . import ledger

    plan = plan_selectors.plan_get(user=request.user, pk=plan_pk)
    data = ledger.export(plan, user=request.user)
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=f"{plan.title}-台账.xlsx", content_type=XLSX
    )


@login_required
def ledger_import(request, plan_pk: int):
    """Upload a filled ledger: all rows written or none, each error named by row and column."""
    from plans import selectors as plan_selectors
    from plans import services as plan_services

    from . import ledger

    plan = plan_selectors.plan_get(user=request.user, pk=plan_pk)
    if not plan_services.can_create_project(request.user):
        raise PermissionDenied
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            result = ledger.LedgerResult(errors=[_("请选择要导入的台账文件。")])
        else:
            result = ledger.import_ledger(plan, upload, upload.name, upload.size, user=request.user)
            if not result.errors:
                messages.success(
                    request,
                    _("台账已导入：新增 %(created)s 项，更新 %(updated)s 项。")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("plans:plan_detail", pk=plan.pk)
    status = 400 if result and result.errors else 200
    return render(request, "imports/ledger.html", {"plan": plan, "result": result}, status=status)
