"""Renders Django-template pages (allauth's) inside the portal's one Jinja2 NHS.UK layout."""

from typing import Any

from django import forms, template
from django.template import engines
from django.template.base import NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


class NhsukPageNode(template.Node):
    def __init__(self, title: NodeList, content: NodeList) -> None:
        self.title = title
        self.content = content

    def render(self, context: template.Context) -> str:
        request = context.get("request")
        title = " ".join(self.title.render(context).split())
        content = self.content.render(context)
        page = engines["jinja2"].get_template("django_page.jinja")
        return page.render({"title": title, "content": mark_safe(content)}, request)  # noqa: S308 - rendered by Django's escaping engine


@register.tag
def nhsuk_page(parser: Parser, token: Token) -> NhsukPageNode:
    """`{% nhsuk_page %}title{% nhsuk_content %}html{% end_nhsuk_page %}`."""
    title = parser.parse(("nhsuk_content",))
    parser.delete_first_token()
    content = parser.parse(("end_nhsuk_page",))
    parser.delete_first_token()
    return NhsukPageNode(title, content)


WIDGET_CLASSES = {
    forms.CheckboxInput: "nhsuk-checkboxes__input",
    forms.Select: "nhsuk-select",
    forms.Textarea: "nhsuk-textarea",
}


@register.filter
def nhsuk_widget(field: forms.BoundField) -> SafeString:
    """The field's widget with the NHS.UK classes, its error state and its hint wired up."""
    widget = field.field.widget
    css = next((c for t, c in WIDGET_CLASSES.items() if isinstance(widget, t)), "nhsuk-input")
    if field.errors:
        css += " nhsuk-input--error" if css == "nhsuk-input" else f" {css}--error"
    attrs: dict[str, Any] = {"class": css}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    # allauth sets placeholders; NHS.UK guidance is labels and hints, never placeholders.
    widget.attrs.pop("placeholder", None)
    return field.as_widget(attrs=attrs)
