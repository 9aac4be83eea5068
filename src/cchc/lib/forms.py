"""What every form of the application shares on screen."""

from django import forms
from django.core.exceptions import ValidationError

# The largest id a database key holds (a BigAutoField's bigint).
MAX_ID = 2**63 - 1


def bootstrap(form: forms.Form) -> None:
    """Give every widget its Bootstrap class, after any class it has. Boxes and radios keep
    their own look; hidden inputs are not drawn."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ModelChoicesField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id. An id beyond what the database holds is an invalid
    choice, as any unknown id, not an overflow (500) in the query that looks it up."""

    def _check_values(self, value):
        for pk in value or ():
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: Django's own check names it
            if not -MAX_ID - 1 <= number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)
