"""JSON encoding of stored results. Encoding the report is the largest cost of storing a recompute after the
database itself (0.8 s of a 4.5 s province run with the standard library), so results use orjson."""

import orjson
from django.core.serializers.json import DjangoJSONEncoder

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value) -> str:
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except TypeError:  # Decimal, dates, lazy strings: the rare value orjson does not know
        return DjangoJSONEncoder().encode(value)


class FastJSONEncoder(DjangoJSONEncoder):
    """For JSONField(encoder=…): Django calls json.dumps(value, cls=encoder), which calls encode()."""

    def encode(self, o) -> str:
        return dumps(o)
