"""`{% result_fragment "name" [part …] %}…{% endresult_fragment %}`: a part of a county page that shows nothing but the
stored result (charts, the schools' tables, class sizes), kept in the default cache under `result_key`, the
identity of the result it shows (see dashboards.views_county.result_key: county, year, when it was computed, the
rule-set versions, the reader's language, the page's own switches). A recompute stores a new computed_at, so the
key changes and the new figures are rendered; another language is another key. Without `result_key` in the
context (nothing stored) the block is rendered as it is.

Only what is the same for every reader of that result goes in a fragment: the project lists, sign-off state,
freshness, buttons and the reader's own links stay outside. The key also carries a hash of the template's source
(a changed template is not served from an older fragment) and FRAGMENTS, to be raised when the markup a fragment
renders through Python (county_tables, core.charts) changes. A cache that cannot be reached renders the block
(the page never depends on it).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django import template
from django.utils.safestring import SafeString, mark_safe

from core import caching

register = template.Library()

FRAGMENTS = 1
PREFIX = "county_page"
# a day: a result is recomputed nightly, and a fragment outlives no deploy by more than that
TIMEOUT = 60 * 60 * 24


def _source_hash(origin) -> str:
    try:
        return hashlib.sha1(Path(origin.name).read_bytes()).hexdigest()[:8]
    except (OSError, TypeError, AttributeError):
        return "-"


class ResultFragmentNode(template.Node):
    def __init__(self, names: list[template.base.FilterExpression], nodelist: template.NodeList, source: str):
        self.names = names
        self.nodelist = nodelist
        self.source = source

    def render(self, context) -> SafeString:
        identity = context.get("result_key")
        if not identity:
            return self.nodelist.render(context)
        key = f"{PREFIX}:{FRAGMENTS}:{self.source}:{identity}:{'-'.join(str(n.resolve(context)) for n in self.names)}"
        html = caching.get_or_build(key, lambda: str(self.nodelist.render(context)), TIMEOUT)
        # rendered by the template engine, which escaped it
        return mark_safe(html)


@register.tag("result_fragment")
def result_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs the fragment's name")
    nodelist = parser.parse(("endresult_fragment",))
    parser.delete_first_token()
    return ResultFragmentNode(
        [parser.compile_filter(b) for b in bits[1:]], nodelist, _source_hash(parser.origin)
    )
