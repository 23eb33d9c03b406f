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
(the page never depends on it). What changes without the result inside such a part (a county's projects on an
indicator) is a `{% live %}` part: the fragment keeps a hole there, filled for each reader.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from django import template
from django.utils.safestring import SafeString, mark_safe

from core import caching

register = template.Library()

FRAGMENTS = 2
PREFIX = "county_page"
# a day: a result is recomputed nightly, and a fragment outlives no deploy by more than that
TIMEOUT = 60 * 60 * 24


def _source_hash(origin) -> str:
    try:
        return hashlib.sha1(Path(origin.name).read_bytes()).hexdigest()[:8]
    except (OSError, TypeError, AttributeError):
        return "-"


LIVE = "_result_fragment_live"


class LiveNode(template.Node):
    """`{% live name=value … %}…{% endlive %}` inside a fragment: a part that changes without the result (a
    county's projects on an indicator), rendered on every request. The fragment keeps a hole in its place and
    the values it was given (plain values: they are stored with the fragment), and each reader renders the part
    with them in its own context."""

    def __init__(self, values: dict[str, template.base.FilterExpression], nodelist: template.NodeList):
        self.values = values
        self.nodelist = nodelist

    def render_with(self, context, values: dict) -> str:
        with context.push(**values):
            return str(self.nodelist.render(context))

    def render(self, context) -> str:
        values = {name: value.resolve(context) for name, value in self.values.items()}
        slot = context.get(LIVE)
        if slot is None:  # not inside a fragment being built
            return self.render_with(context, values)
        marker, holes = slot
        holes.append((id(self), values))
        return marker


class ResultFragmentNode(template.Node):
    def __init__(self, names: list[template.base.FilterExpression], nodelist: template.NodeList, source: str):
        self.names = names
        self.nodelist = nodelist
        self.source = source
        # its live parts in template order: a stored hole names its part by this position
        self.live = nodelist.get_nodes_by_type(LiveNode)

    def build(self, context) -> tuple[tuple[str, ...], tuple[tuple[int, dict], ...]]:
        """The fragment as the texts between its live parts and, for each part, its position and values."""
        marker = f"<!--live {secrets.token_hex(8)}-->"
        holes: list[tuple[int, dict]] = []
        with context.push(**{LIVE: (marker, holes)}):
            html = str(self.nodelist.render(context))
        position = {id(node): n for n, node in enumerate(self.live)}
        return tuple(html.split(marker)), tuple((position[node], values) for node, values in holes)

    def assemble(self, context, stored) -> str:
        texts, holes = stored
        out = [texts[0]]
        for (position, values), text in zip(holes, texts[1:], strict=True):
            out.append(self.live[position].render_with(context, values))
            out.append(text)
        return "".join(out)

    def render(self, context) -> SafeString:
        identity = context.get("result_key")
        if not identity:
            return self.nodelist.render(context)
        key = f"{PREFIX}:{FRAGMENTS}:{self.source}:{identity}:{'-'.join(str(n.resolve(context)) for n in self.names)}"
        stored = caching.get_or_build(key, lambda: self.build(context), TIMEOUT)
        # rendered by the template engine, which escaped it
        return mark_safe(self.assemble(context, stored))


@register.tag("live")
def live(parser, token):
    values = {}
    for bit in token.split_contents()[1:]:
        name, sep, value = bit.partition("=")
        if not sep:
            raise template.TemplateSyntaxError(f"live takes name=value pairs, not {bit}")
        values[name] = parser.compile_filter(value)
    nodelist = parser.parse(("endlive",))
    parser.delete_first_token()
    return LiveNode(values, nodelist)


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
