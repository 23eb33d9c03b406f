from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import QuickSelect
from workbook.uploads import UploadRefused, check_upload

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".zip", ".csv")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("数据文件"),
        help_text=_("标准数据模板 .xlsx，或由 CSV 文件组成的 .zip 压缩包（也可上传单个以工作表命名的 CSV）"),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        # The content decides (size, kind, unpacked size of a zip), then the name must agree with it.
        try:
            check_upload(uploaded, uploaded.name, uploaded.size)
        except UploadRefused as refused:
            raise forms.ValidationError(refused.message) from refused
        if not uploaded.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("请上传 .xlsx、.zip 或 .csv 文件。"))
        return uploaded


class ExportForm(forms.Form):
    FORMATS = [
        ("xlsx", _("标准数据模板（.xlsx）")),
        ("csv", _("CSV 压缩包（.zip）")),
        ("report", _("监测报告（.xlsx）")),
    ]

    county = forms.ModelChoiceField(label=_("区县"), queryset=None, empty_label=None, widget=QuickSelect)
    year = forms.IntegerField(label=_("学年"), required=False, min_value=1990, max_value=2100)
    format = forms.ChoiceField(label=_("格式"), choices=FORMATS)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
