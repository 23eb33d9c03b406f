"""A drf-spectacular postprocessing hook: the error answers every /api/v1/ operation can give, in the schema.

drf-spectacular documents what a view declares, usually only its success. But DRF answers every operation with
401 (no or an expired token), 403 (a role that may not), 429 (throttled); every object route and every paginated
list with 404 (outside the caller's region, missing, or a page past the last); every operation that takes a body
or query filters with 400 (a field that does not validate, another county's code in a filter). The API fuzz test
(tests/config/test_api_fuzz.py) found all of them undocumented. A code a view documents itself is kept as it is.
"""

ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` with the reason, or each invalid field with its messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
# DRF answers a ValidationError raised with a message (not a field) as a list of messages.
VALIDATION_SCHEMA = {"oneOf": [ERROR_SCHEMA, {"type": "array", "items": {"type": "string"}}]}

DESCRIPTIONS = {
    "400": "the body or a filter does not validate (another county's code in a filter included)",
    "401": "not signed in, or the token is unknown or expired",
    "403": "the caller's role may not do this",
    "404": "no such object within the caller's region, or a page past the last",
    "429": "too many calls: wait as long as Retry-After says",
}
WRITE_METHODS = {"post", "put", "patch"}
METHODS = WRITE_METHODS | {"get", "delete"}


def _error(code: str) -> dict:
    schema = VALIDATION_SCHEMA if code == "400" else {"$ref": "#/components/schemas/Error"}
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


def codes_for(path: str, method: str, operation: dict) -> list[str]:
    params = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    codes = ["401", "403", "429"]
    if "{" in path or "page" in params:
        codes.append("404")
    if method in WRITE_METHODS or params:
        codes.append("400")
    return codes


def document_error_responses(result, generator, request, public):
    paths = result.get("paths", {})
    if paths:
        result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, item in paths.items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code in codes_for(path, method, operation):
                responses.setdefault(code, _error(code))
    return result
