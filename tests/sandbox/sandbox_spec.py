"""Validating sandbox responses against Twilio's official OpenAPI specs with openapi-core.

The specs are read from ../shared/twilio-openapi beside the repository. A few spec
quirks are corrected here, each explicitly and each because the spec contradicts its own
examples (which is what Twilio actually sends); everything else is validated as written,
with two stricter-than-default settings: every documented property must be present, and
no undocumented property may appear.
"""

from __future__ import annotations

import copy
import json
import re
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO_ROOT.parent / "shared" / "twilio-openapi"
HOSTS = {
    "twilio_api_v2010.json": "https://api.twilio.com",
    "twilio_insights_v1.json": "https://insights.twilio.com",
    "twilio_oauth_v2.json": "https://oauth.twilio.com",
}
# The products the sandbox serves under a path prefix (`/studio/v2/Flows` is studio.twilio.com/v2/Flows).
PREFIXED_SPECS = {
    "messaging": "twilio_messaging_v1.json",
    "conversations": "twilio_conversations_v1.json",
    "studio": "twilio_studio_v2.json",
    "verify": "twilio_verify_v2.json",
    "monitor": "twilio_monitor_v1.json",
    "trunking": "twilio_trunking_v1.json",
    "taskrouter": "twilio_taskrouter_v1.json",
}
HOSTS.update({spec: f"https://{host}.twilio.com" for host, spec in PREFIXED_SPECS.items()})

_RFC2822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} \+0000$"
)


def _rfc2822(value) -> bool:
    # Twilio's own format, unknown to jsonschema: check it rather than let it pass unchecked.
    if not isinstance(value, str):
        return True
    if not _RFC2822.match(value):
        return False
    parsedate_to_datetime(value)
    return True


def _matches(pattern: str):
    rx = re.compile(pattern)
    return lambda value: not isinstance(value, str) or bool(rx.match(value))


# Twilio-specific formats; without these, jsonschema would silently accept anything.
EXTRA_FORMATS = {
    "date-time-rfc-2822": _rfc2822,
    "phone-number": _matches(r"^\+[1-9]\d{1,14}$"),
    "currency": _matches(r"^[A-Z]{3}$"),
    "iso-country-code": _matches(r"^[A-Z]{2}$"),
}


def spec_path(name: str) -> Path:
    path = SPEC_DIR / name
    if not path.is_file():
        pytest.skip(f"official Twilio spec not found at {path} (expected ../shared/twilio-openapi beside the repo)")
    return path


def _nullable_enum(target: dict) -> dict:
    schema = copy.deepcopy(target)
    schema["nullable"] = True
    if "enum" in schema and None not in schema["enum"]:
        # OAS 3.0.3: a nullable enum must list null among its values.
        schema["enum"] = list(schema["enum"]) + [None]
    return schema


def _fix_schema(node, schemas: dict) -> None:
    """Walk every schema object and apply the generic corrections."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for name, prop in list(props.items()):
                if isinstance(prop, dict) and "$ref" in prop and prop.get("nullable") is True:
                    # Quirk 1 (Insights): `$ref` with a sibling `nullable: true`. OAS 3.0 ignores
                    # siblings of $ref, yet the spec's examples send null for these enums
                    # (e.g. mixer_region_requested, jitter_buffer_size). Honour the intent.
                    target = schemas[prop["$ref"].rsplit("/", 1)[1]]
                    props[name] = _nullable_enum(target)
        if node.get("type") == "object" and "properties" not in node and "additionalProperties" not in node:
            # Quirk 2: free-form maps (`format: uri-map`: subresource_uris, links). We forbid
            # undocumented properties on records; a map's keys are its content, not extras.
            node["additionalProperties"] = {"type": "string"} if node.get("format") == "uri-map" else True
        for value in node.values():
            _fix_schema(value, schemas)
    elif isinstance(node, list):
        for value in node:
            _fix_schema(value, schemas)


def _fix_v2010(spec: dict) -> None:
    schemas = spec["components"]["schemas"]
    # Quirk 3: reason_conference_ended is a non-nullable enum $ref, but the spec's own
    # 'readFull' example (and Twilio) send null until a conference has ended.
    conf = schemas["api.v2010.account.conference"]["properties"]
    conf["reason_conference_ended"] = _nullable_enum(schemas["conference_enum_reason_conference_ended"])
    # Quirk 4: application SIDs on numbers are `^AP...{32}$`, but the spec's own example
    # (and Twilio) send "" when no application is set.
    numbers = schemas["api.v2010.account.incoming_phone_number"]["properties"]
    for name in ("sms_application_sid", "voice_application_sid"):
        strict = numbers[name]
        numbers[name] = {"nullable": True, "anyOf": [strict, {"type": "string", "maxLength": 0}]}


@cache
def openapi(name: str) -> OpenAPI:
    spec = json.loads(spec_path(name).read_text())
    schemas = spec.get("components", {}).get("schemas", {})
    if name == "twilio_api_v2010.json":
        _fix_v2010(spec)
    _fix_schema(spec, schemas)
    config = Config(
        extra_format_validators=EXTRA_FORMATS,
        response_properties_default_policy="required",
        additional_properties_default_policy="forbid",
    )
    return OpenAPI.from_dict(spec, config=config)


def split_prefix(path: str) -> tuple[str | None, str]:
    """('studio', '/v2/Flows') for the sandbox path '/studio/v2/Flows'; (None, path) without a product prefix."""
    first, _, rest = path.lstrip("/").partition("/")
    return (first, "/" + rest) if first in PREFIXED_SPECS else (None, path)


def spec_for(path: str) -> str:
    host, _ = split_prefix(path)
    if host is not None:
        return PREFIXED_SPECS[host]
    if path.startswith("/2010-04-01/"):
        return "twilio_api_v2010.json"
    if path.startswith("/v2/"):
        return "twilio_oauth_v2.json"
    return "twilio_insights_v1.json"


def validate(response: requests.Response) -> None:
    """Validate a real sandbox response against the operation its URL maps to.

    The sandbox serves every Twilio host on one port; the request is re-addressed to the
    host named in that spec's `servers` so openapi-core can match the operation.
    """
    prepared = response.request.copy()
    parts = urlsplit(prepared.url)
    name = spec_for(parts.path)
    _, path = split_prefix(parts.path)
    prepared.url = HOSTS[name] + path + (f"?{parts.query}" if parts.query else "")
    openapi(name).validate_response(RequestsOpenAPIRequest(prepared), RequestsOpenAPIResponse(response))


def error_schema() -> dict:
    """Twilio's error body as the OAuth v2 spec defines it (the v2010 and Insights specs document
    no error responses), made strict: all four fields required, nothing else allowed."""
    schema = json.loads(spec_path("twilio_oauth_v2.json").read_text())["components"]["schemas"]["Error"]
    schema["required"] = ["code", "message", "more_info", "status"]
    schema["additionalProperties"] = False
    return schema
