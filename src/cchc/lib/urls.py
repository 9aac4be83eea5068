"""Path converters: an id in a URL is what the database can hold, or the URL is not found."""

MAX_ID = 2**63 - 1  # the largest BigAutoField / bigint


class IdConverter:
    """Like Django's `int`, but a number beyond the database's bigint is no match (404),
    never an overflow error (500) in the query it would reach."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)
