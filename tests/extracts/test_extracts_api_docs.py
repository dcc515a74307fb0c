"""`/api/`: the API's documentation for people, generated from its OpenAPI schema, in the NHS.UK
layout with no script but the layout's own; a client asking for JSON gets the schema."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _schema(client):
    return client.get("/api/openapi.json").json()


def test_api_root_is_a_documentation_page_in_the_layout(client):
    response = client.get("/api/")

    content = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "nhsuk-header" in content
    assert "<h1>WRES open data API</h1>" in content
    assert 'href="/api/openapi.json"' in content


def test_api_docs_page_documents_every_operation_and_parameter_of_the_schema(client):
    schema = _schema(client)

    content = client.get("/api/").content.decode()

    for path, methods in schema["paths"].items():
        for spec in methods.values():
            assert f"<code>{path}</code>" in content
            assert spec["summary"] in content
            for parameter in spec.get("parameters", []):
                assert f"<code>{parameter['name']}</code>" in content
    assert "one of: national, region, type, sector" in content  # the aggregates' "by"
    assert "integer from 1 to 500; default 50" in content  # page_size


def test_api_docs_page_gives_example_requests_and_answers_that_fit_the_schema(client):
    content = client.get("/api/").content.decode()

    assert "curl &#34;http://testserver/api/organisations/RJ1&#34;" in content
    blocks = re.findall(r'<pre class="wres-code-block" tabindex="0"><code>(\{.*?)</code></pre>',
                        content, re.S)  # fmt: skip
    answers = [json.loads(block.replace("&#34;", '"').replace("&#39;", "'")) for block in blocks]
    assert len(answers) == 5
    organisation = next(a for a in answers if "ods_code" in a)
    assert organisation["ods_code"] == "RJ1"
    assert organisation["name"] == "Guy's and St Thomas' NHS Foundation Trust"
    page = next(a for a in answers if a.get("figures") == "suppressed" and "by" not in a)
    assert set(page) == {"count", "page", "page_size", "pages", "next", "previous", "figures",
                         "results"}  # fmt: skip
    row = page["results"][0]
    assert row["suppressed"] == ["i4.rl"] and row["figures"]["i4.rl"] is None


def test_api_docs_page_explains_errors_in_plain_words_not_http_reason_phrases(client):
    content = client.get("/api/").content.decode()

    assert "Too many requests: wait the number of seconds detail gives" in content
    assert "Unauthorized" not in content
    assert "120 requests every 60 seconds" in content


def test_api_docs_page_loads_no_script_but_the_layouts_own(client):
    response = client.get("/api/")

    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert all(f'nonce="{nonce}"' in tag or 'src="/static/' in tag for tag in scripts), scripts
    assert "cdn" not in response.content.decode().lower()


def test_api_root_answers_json_clients_with_the_schema(client):
    response = client.get("/api/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == _schema(client)
    assert "Accept" in response["Vary"]
    assert response["Link"] == '</api/openapi.json>; rel="service-desc"'


def test_api_docs_page_offers_tokens_only_to_those_who_may_have_them(client_for, people):
    assert "/data/tokens/" not in client_for(None).get("/api/").content.decode()
    assert "/data/tokens/" in client_for(people["analyst"]).get("/api/").content.decode()


def test_downloads_page_links_to_the_api_documentation(client, published):
    content = client.get(reverse("extracts:downloads")).content.decode()

    assert '<a href="/api/">API documentation</a>' in content
