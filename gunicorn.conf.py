"""gunicorn's configuration for the portal (loaded from the working folder, and named by the
Dockerfile's command): responses carry no ``Server`` header (issue 19, ADR 0021).

gunicorn has no setting for this header: it writes ``Server: gunicorn`` itself, in
`gunicorn.http.wsgi.Response.default_headers`, before the application's headers, so neither
Django nor a WSGI wrapper can remove it (an application's own ``Server`` header is sent as a
second one). This file runs in the master before the workers start, and replaces that method
with one that leaves the line out. The test `tests/test_security_infra.py` starts gunicorn with
this file and fails if a gunicorn upgrade changes what it patches.
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self: wsgi.Response) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server  # type: ignore[method-assign]
