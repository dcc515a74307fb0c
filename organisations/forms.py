"""The organisation list's search and filters (validates query parameters; never saves)."""

from django import forms

from organisations.models import OrganisationType, Region, Sector


def with_any(choices: list[tuple[str, str]], label: str) -> list[tuple[str, str]]:
    """Choices with a first, empty "any" choice (a filter that filters nothing)."""
    return [("", label), *choices]


class PlaceFilterForm(forms.Form):
    """Search and place filters shared by the lists of organisations (public list, review queue)."""

    q = forms.CharField(
        label="Name or ODS code",
        required=False,
        max_length=100,
        strip=True,
        error_messages={"max_length": "Search for 100 characters or fewer"},
    )
    region = forms.ChoiceField(
        label="NHS England region",
        required=False,
        choices=with_any(Region.choices, "All regions"),
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    org_type = forms.ChoiceField(
        label="Organisation type",
        required=False,
        choices=with_any(OrganisationType.choices, "All types"),
        error_messages={"invalid_choice": "Choose a type from the list"},
    )
    sector = forms.ChoiceField(
        label="Sector",
        required=False,
        choices=with_any(Sector.choices, "All sectors"),
        error_messages={"invalid_choice": "Choose a sector from the list"},
    )


class OrganisationFilterForm(PlaceFilterForm):
    def filters(self) -> dict[str, str]:
        """The valid filters (call after `is_valid`); a field with an error filters nothing."""
        data = self.cleaned_data
        return {
            "query": data.get("q", ""),
            "region": data.get("region", ""),
            "org_type": data.get("org_type", ""),
            "sector": data.get("sector", ""),
        }
