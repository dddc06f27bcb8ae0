"""Turn pydantic's validation errors into sentences a participant can act on.

Validators in ``records`` already raise plain-language messages; this module strips
pydantic's wrapping ("Value error, ...") and words the type errors pydantic raises itself
("Input should be a valid number") in terms of the field's title.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kit.errors import KitInputError

M = TypeVar("M", bound=BaseModel)

_TYPE_MESSAGES = {
    "float_parsing": "{field} must be a number; '{value}' is not.",
    "float_type": "{field} must be a number.",
    "int_parsing": "{field} must be a whole number; '{value}' is not.",
    "int_type": "{field} must be a whole number.",
    "int_from_float": "{field} must be a whole number; '{value}' is not.",
    "finite_number": "{field} must be a finite number.",
    "date_from_datetime_parsing": "{field} must be a date like 2026-03-31; '{value}' is not.",
    "date_parsing": "{field} must be a date like 2026-03-31; '{value}' is not.",
    "date_type": "{field} must be a date like 2026-03-31.",
    "datetime_parsing": "{field} must be a date and time; '{value}' is not.",
    "datetime_from_date_parsing": "{field} must be a date and time; '{value}' is not.",
    "missing": "{field} is required.",
    "string_too_short": "{field} cannot be empty.",
    "string_too_long": "{field} is too long (at most {max_length} characters).",
    "string_type": "{field} must be text.",
    "greater_than_equal": "{field} cannot be below {ge}.",
    "greater_than": "{field} must be above {gt}.",
    "less_than_equal": "{field} cannot be above {le}.",
    "less_than": "{field} must be below {lt}.",
    "enum": "{field} must be one of: {expected}.",
    "literal_error": "{field} must be one of: {expected}.",
    "extra_forbidden": "'{loc}' is not a field this form knows.",
    "bool_parsing": "{field} must be yes or no.",
    "list_type": "{field} must be a list.",
    "dict_type": "{field} must be a set of named values.",
    "model_type": "{field} is not in the expected form.",
}


def _field_title(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """Walk the error location through nested models to find the field's human title."""
    current: Any = model
    title = ""
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if not fields or not isinstance(part, str) or part not in fields:
            continue
        info = fields[part]
        title = info.title or part.replace("_", " ").capitalize()
        annotation = info.annotation
        inner = getattr(annotation, "__args__", None) or (annotation,)
        current = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return title or "This field"


def friendly_messages(model: type[BaseModel], error: ValidationError) -> list[str]:
    """One sentence per problem, no pydantic jargon, in the order pydantic found them."""
    messages: list[str] = []
    for item in error.errors(include_url=False):
        kind = item["type"]
        ctx = dict(item.get("ctx") or {})
        if kind in {"value_error", "assertion_error"}:
            raw = str(ctx.get("error", item["msg"]))
            message = raw.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        else:
            template = _TYPE_MESSAGES.get(kind)
            value = item.get("input")
            shown = value if isinstance(value, str | int | float) else ""
            shown = str(shown)[:40]
            field = _field_title(model, tuple(item["loc"]))
            if template is None:
                message = f"{field}: please check this value."
            else:
                message = template.format(
                    field=field,
                    value=shown,
                    loc=".".join(str(p) for p in item["loc"]),
                    **{
                        k: (f"{v:g}" if isinstance(v, float) else v)
                        for k, v in ctx.items()
                        if k not in {"field", "value", "loc"}
                    },
                )
        if message not in messages:
            messages.append(message)
    return messages


def check(model: type[M], data: dict[str, Any]) -> M:
    """Build a record or raise ``KitInputError`` with every problem in plain words."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise KitInputError(" ".join(friendly_messages(model, error))) from None
