"""core.forms.QuickSelect writes the markup Django's own <select> templates write, options escaped."""

from django import forms

from core.forms import QuickSelect

CHOICES = [
    ("", "全部"),
    ("a&b", "<甲>"),
    ("2", "乙"),
    ("分组", [("3", "丙"), ("4", "丁")]),
]


def markup(widget, value, attrs) -> str:
    return widget.render("county", value, attrs).replace("\n", "").replace("  ", "")


def test_quick_select_writes_what_djangos_select_writes():
    attrs = {"id": "id_county", "aria-describedby": "id_county_helptext", "required": True}
    for value in ("", "a&b", "3", None):
        quick = markup(QuickSelect(choices=CHOICES), value, attrs)
        django = markup(forms.Select(choices=CHOICES), value, attrs)
        assert quick == django, value
    assert "&lt;甲&gt;" in quick and 'value="a&amp;b"' in quick and '<optgroup label="分组">' in quick
