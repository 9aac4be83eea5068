"""What every form of the application shares on screen."""

from django import forms


def bootstrap(form: forms.Form) -> None:
    """Give every widget its Bootstrap class, after any class it has. Boxes and radios keep
    their own look; hidden inputs are not drawn."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
