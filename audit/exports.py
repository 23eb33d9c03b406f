"""The audit trail as a file: one line per changed field (CSV or xlsx), the same rows the page shows."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .selectors import entries_for

MAX_ENTRIES = 50_000
CHUNK = 500


def _header() -> list[str]:
    return [
        _("时间"),
        _("用户"),
        _("渠道"),
        _("导入批次"),
        _("数据类型"),
        _("记录"),
        _("操作"),
        _("字段"),
        _("原值"),
        _("新值"),
    ]


def _lines(rows):
    rows = list(rows[:MAX_ENTRIES])
    for start in range(0, len(rows), CHUNK):
        for entry in entries_for(rows[start : start + CHUNK]):
            at = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")
            head = [
                at,
                entry.user,
                str(entry.channel_label),
                entry.batch or "",
                entry.model,
                entry.key,
                str(entry.type_label),
            ]
            for label, old, new in entry.rows or [("", None, None)]:
                yield [*head, label, "" if old is None else old, "" if new is None else new]


def export(rows, file_format: str, name: str) -> HttpResponse:
    """rows: the selector's (kind, history_id, date) queryset. name: ASCII, no personal data."""
    if file_format == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("变更记录"))
        sheet.append(_header())
        for line in _lines(rows):
            sheet.append(line)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(_header())
        writer.writerows(_lines(rows))
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}.{"xlsx" if file_format == "xlsx" else "csv"}"'
    )
    return response
