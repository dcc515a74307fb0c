"""The API's documentation page, read from its OpenAPI schema: each operation, its parameters,
responses and an example request and answer (server-rendered: no script, nothing from a CDN)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

#: How deep the example answer follows nested schemas (the API's are three levels deep).
MAX_EXAMPLE_DEPTH: Final = 6
#: Sample values for path parameters, by name, where the schema gives no example.
PATH_SAMPLES: Final = {"ods_code": "RJ1"}
#: What each status means to a caller, in the words of the API's own errors.
STATUS_MEANINGS: Final = {
    "200": "Success: the results.",
    "400": "A parameter is not valid: detail says why, errors lists each bad parameter.",
    "401": "The API token is not valid (mistyped, revoked, or its owner no longer has access "
    "to unsuppressed figures). Leave out the Authorization header for the public figures.",
    "404": "Not found: no such organisation, page or published year (detail says which).",
    "429": "Too many requests: wait the number of seconds detail gives, then try again.",
}
TYPE_SAMPLES: Final[dict[str, Any]] = {
    "string": "text",
    "integer": 1,
    "number": 1.25,
    "boolean": True,
    "null": None,
}
FORMAT_SAMPLES: Final = {"date": "2025-03-31", "date-time": "2025-09-30T09:00:00Z"}


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    required: bool
    kind: str
    description: str
    default: str


@dataclass(frozen=True)
class Response:
    status: str
    meaning: str
    shape: str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    tag: str
    parameters: tuple[Parameter, ...]
    responses: tuple[Response, ...]
    example_request: str
    example_response: str
    token_optional: bool


@dataclass(frozen=True)
class ApiDocs:
    title: str
    version: str
    description: str
    operations: tuple[Operation, ...]
    token_scheme: str


def api_docs(schema: dict[str, Any], *, base_url: str) -> ApiDocs:
    """The documentation of every operation in ``schema`` (an OpenAPI 3.1 document), with
    example requests against ``base_url`` (scheme and host, no trailing slash)."""
    reader = _Schema(schema)
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, spec in methods.items():
            operations.append(reader.operation(path, method, spec, base_url))
    schemes = schema.get("components", {}).get("securitySchemes", {})
    token_scheme = ", ".join(
        f"{scheme.get('scheme', scheme.get('type', ''))}".title() for scheme in schemes.values()
    )
    info = schema.get("info", {})
    return ApiDocs(
        title=info.get("title", "API"),
        version=str(info.get("version", "")),
        description=info.get("description", ""),
        operations=tuple(operations),
        token_scheme=token_scheme,
    )


class _Schema:
    """Reads one OpenAPI document: resolves references, describes types, builds examples."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = self.document
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def _variants(self, schema: dict[str, Any]) -> list[dict[str, Any]]:
        schema = self.resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        return [self.resolve(o) for o in options] if options else [schema]

    def kind(self, schema: dict[str, Any]) -> str:
        """A parameter's type in words: "integer from 1 to 500", "one of: national, region"."""
        words = []
        for variant in self._variants(schema):
            if variant.get("type") == "null":
                continue
            if "enum" in variant:
                words.append("one of: " + ", ".join(str(v) for v in variant["enum"]))
                continue
            text = variant.get("format") or variant.get("type", "value")
            low, high = variant.get("minimum"), variant.get("maximum")
            if low is not None and high is not None:
                text += f" from {low} to {high}"
            elif low is not None:
                text += f", {low} or more"
            if "maxLength" in variant:
                text += f", up to {variant['maxLength']} characters"
            words.append(text)
        return " or ".join(words) or "value"

    def example(self, schema: dict[str, Any], depth: int = 0) -> Any:
        """A value that fits ``schema``: its own example where it gives one."""
        schema = self.resolve(schema)
        if schema.get("examples"):
            return schema["examples"][0]
        if "enum" in schema:
            return schema["enum"][0]
        if depth > MAX_EXAMPLE_DEPTH:
            return None
        options = schema.get("anyOf") or schema.get("oneOf")
        if options:
            concrete = [o for o in options if self.resolve(o).get("type") != "null"]
            return self.example((concrete or options)[0], depth + 1)
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            properties = schema.get("properties", {})
            if properties:
                return {name: self.example(prop, depth + 1) for name, prop in properties.items()}
            extra = schema.get("additionalProperties")
            return {"code": self.example(extra, depth + 1)} if isinstance(extra, dict) else {}
        if kind == "array":
            return [self.example(schema.get("items", {}), depth + 1)]
        if schema.get("format") in FORMAT_SAMPLES:
            return FORMAT_SAMPLES[schema["format"]]
        if "default" in schema:
            return schema["default"]
        return TYPE_SAMPLES.get(str(kind), None)

    def operation(self, path: str, method: str, spec: dict[str, Any], base_url: str) -> Operation:
        parameters = tuple(
            Parameter(
                name=p["name"],
                location=p.get("in", "query"),
                required=bool(p.get("required")),
                kind=self.kind(p.get("schema", {})),
                description=p.get("description") or p.get("schema", {}).get("description", ""),
                default=_text(p.get("schema", {}).get("default")),
            )
            for p in spec.get("parameters", [])
        )
        responses = tuple(
            Response(
                status=str(status),
                meaning=STATUS_MEANINGS.get(str(status), answer.get("description", "")),
                shape=self._shape(answer),
            )
            for status, answer in spec.get("responses", {}).items()
        )
        return Operation(
            anchor=spec.get("operationId", f"{method}-{path}").replace("_", "-"),
            method=method.upper(),
            path=path,
            summary=spec.get("summary") or path,
            description=spec.get("description", ""),
            tag=(spec.get("tags") or [""])[0],
            parameters=parameters,
            responses=responses,
            example_request=self._request(path, parameters, base_url),
            example_response=self._response(spec),
            token_optional={} in spec.get("security", [{}]),
        )

    def _shape(self, answer: dict[str, Any]) -> str:
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        return str(schema.get("$ref", "")).rsplit("/", 1)[-1]

    def _request(self, path: str, parameters: tuple[Parameter, ...], base_url: str) -> str:
        for parameter in parameters:
            if parameter.location == "path":
                sample = PATH_SAMPLES.get(parameter.name, parameter.name.upper())
                path = path.replace("{" + parameter.name + "}", sample)
        return f'curl "{base_url}{path}"'

    def _response(self, spec: dict[str, Any]) -> str:
        # Status codes are numbers in the schema ninja builds, strings once it is JSON.
        responses = {str(status): answer for status, answer in spec.get("responses", {}).items()}
        answer = responses.get("200", {})
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return ""
        return json.dumps(self.example(schema), indent=2, ensure_ascii=False)


def _text(value: Any) -> str:
    return "" if value is None else str(value)
