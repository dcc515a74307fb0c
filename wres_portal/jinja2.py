"""The Jinja2 environment: project templates first, then the NHS.UK components."""

from typing import Any

import jinja2
from django.contrib import messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from django.utils.formats import date_format, number_format


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """`reverse` under a short name, as templates use it."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def has_perm(user: Any, perm: str, obj: Any = None) -> bool:
    """The permission layer (django-rules) for templates: `has_perm(request.user, "...", obj)`."""
    return bool(user is not None and user.has_perm(perm, obj))


def format_date(value: Any, fmt: str = "j F Y") -> str:
    """A date as people read it (27 November 2026); empty for none."""
    return date_format(value, fmt) if value else ""


def format_number(value: Any) -> str:
    """A whole number with thousands separators (1,234)."""
    return number_format(value, force_grouping=True)


def environment(**options: Any) -> jinja2.Environment:
    """Builds the environment Django's Jinja2 backend renders with."""
    project_loader = options.pop("loader", None)
    loaders: list[jinja2.BaseLoader] = [project_loader] if project_loader else []
    loaders.append(jinja2.PackageLoader("nhsuk_frontend_jinja"))
    # ChainableUndefined: the NHS.UK macros read nested optional parameters (params.a.b).
    options["undefined"] = jinja2.ChainableUndefined
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), **options)  # noqa: S701 - Django sets autoescape
    env.globals.update(
        {
            "static": staticfiles_storage.url,
            "url": url,
            "has_perm": has_perm,
            "get_messages": messages.get_messages,
        }
    )
    env.filters.update({"date": format_date, "number": format_number})
    return env
