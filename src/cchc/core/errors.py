from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["PermissionDenied", "ValidationError"]
