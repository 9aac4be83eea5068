"""What a model's fields allow, read from the fields themselves."""

from django.db import models


def max_length(model: type[models.Model], name: str) -> int:
    """How many characters the text field `name` of `model` holds."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a text field with a length")
    return field.max_length
