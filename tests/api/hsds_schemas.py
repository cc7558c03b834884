"""Validation against the Open Referral project's own HSDS 3.0 schemas (tests/api/hsds/, see SOURCE.md).

The schemas are resolved by the addresses the HSDS 3.0 API definition (openapi.json) uses for them, so a
response can be checked against exactly the schema the API definition names for that path. Formats
(uuid, uri, email, date-time) are checked too.
"""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HERE = Path(__file__).parent / "hsds" / "schema"
BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OPENAPI = BASE + "openapi.json"


@cache
def registry() -> Registry:
    resources = []
    for path in sorted(HERE.rglob("*.json")):
        uri = BASE + path.relative_to(HERE).as_posix()
        resources.append((uri, Resource.from_contents(json.loads(path.read_text()), DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(ref: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": ref}, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(instance, ref: str) -> list[str]:
    """Every way `instance` breaks the schema at `ref` (a file under schema/, or a JSON pointer into the
    API definition), as readable lines; [] when it is valid."""
    uri = ref if ref.startswith("https://") else BASE + ref
    found = sorted(validator(uri).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in found]


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def response_ref(hsds_path: str) -> str:
    """The schema the HSDS 3.0 API definition names for a 200 answer of GET `hsds_path` (e.g. "/services",
    "/services/{id}")."""
    content = _escape("application/json")
    return f"{OPENAPI}#/paths/{_escape(hsds_path)}/get/responses/200/content/{content}/schema"


def openapi_paths() -> set[str]:
    return set(json.loads((HERE / "openapi.json").read_text())["paths"])
