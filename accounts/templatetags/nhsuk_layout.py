"""Renders Django-template pages (allauth's) inside the portal's one Jinja2 NHS.UK layout."""

from typing import Any

from django import forms, template
from django.conf import settings
from django.template import engines
from django.template.base import NodeList, Parser, Token
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from accounts.selectors import landing_url_for

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
        # The page's form (if any) lets the layout prefix the title with "Error: " when it has
        # errors, as on every other form page.
        form = context.get("form")
        return page.render(
            {"title": title, "content": mark_safe(content), "form": form},  # noqa: S308 - rendered by Django's escaping engine
            request,
        )


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


ONE_TIME_CODE_ATTRS = {
    "inputmode": "numeric",
    "autocomplete": "one-time-code",
    "spellcheck": "false",
    "autocapitalize": "off",
}


@register.filter
def nhsuk_widget(field: forms.BoundField) -> SafeString:
    """The field's widget with the NHS.UK classes, its error state and its hint wired up."""
    widget = field.field.widget
    css = next((c for t, c in WIDGET_CLASSES.items() if isinstance(widget, t)), "nhsuk-input")
    if field.errors:
        css += " nhsuk-input--error" if css == "nhsuk-input" else f" {css}--error"
    attrs: dict[str, Any] = {"class": css}
    if widget.attrs.get("autocomplete") == "one-time-code":
        # Every security code box (authenticator and recovery codes are all digits): the number
        # keypad on phones, the code offered from a text message or app, as wide as the code.
        attrs.update(ONE_TIME_CODE_ATTRS)
        attrs["class"] += " nhsuk-input--width-10"
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


@register.simple_tag
def support_email() -> str:
    """The WRES team's email address, for plain-text emails."""
    return str(settings.WRES_SUPPORT_EMAIL)


@register.simple_tag
def support_email_link() -> SafeString:
    """The WRES team's email address as a link, for every "contact us" on an account page."""
    address = settings.WRES_SUPPORT_EMAIL
    return format_html('<a href="mailto:{}">{}</a>', address, address)


@register.simple_tag(takes_context=True)
def landing_url(context: template.Context) -> str:
    """The signed-in person's own first page (their returns, the review queue, ...)."""
    request = context.get("request")
    return landing_url_for(getattr(request, "user", None))
