"""The domain's errors. Each carries a stable code (the contract's ErrorCode) and, when it is
about one input, that input's Python name (`stock_quantity`); graph/errors.py spells it the API's
way (`stockQuantity`).

Services raise them; graph/errors.py is the one place that turns them into payload errors
(or, for AccessDenied, into a top-level FORBIDDEN error).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from django.utils.functional import Promise


class ErrorCode(enum.Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    UNIQUE = "UNIQUE"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TOKEN = "INVALID_TOKEN"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    EMPTY_CART = "EMPTY_CART"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    RATE_LIMITED = "RATE_LIMITED"
    FORBIDDEN = "FORBIDDEN"
    # A product with options is bought, priced and stocked through its variants (name one).
    VARIANT_REQUIRED = "VARIANT_REQUIRED"
    # A compare-and-set of stock found another quantity than the one expected: nothing changed.
    STOCK_CHANGED = "STOCK_CHANGED"
    # Still referred to (a variant an order line holds, an option value variants use): not deleted.
    IN_USE = "IN_USE"


class DomainError(Exception):
    """An expected business failure, reported to the client in the payload's `errors`."""

    code: ErrorCode = ErrorCode.INVALID

    def __init__(self, message: str | Promise, *, field: str | None = None, code: ErrorCode | None = None):
        # A lazy translation (a module's constant) becomes text here, in the language of the
        # request that raised it (settings.LANGUAGES; django.middleware.locale picks it).
        message = str(message)
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    @property
    def details(self) -> list[DomainError]:
        """Every individual failure this error stands for (one, unless it is a group)."""
        return [self]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code.value}, {self.message!r}, field={self.field!r})"


class ValidationFailed(DomainError):
    """Several input errors reported together."""

    def __init__(self, errors: Iterable[DomainError]):
        self.errors = list(errors)
        assert self.errors, "ValidationFailed needs at least one error"
        first = self.errors[0]
        super().__init__(first.message, field=first.field, code=first.code)

    @property
    def details(self) -> list[DomainError]:
        return [detail for error in self.errors for detail in error.details]


class InvalidInput(DomainError):
    code = ErrorCode.INVALID


class Required(DomainError):
    code = ErrorCode.REQUIRED


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class AlreadyExists(DomainError):
    code = ErrorCode.UNIQUE


class InvalidCredentials(DomainError):
    code = ErrorCode.INVALID_CREDENTIALS


class InvalidToken(DomainError):
    code = ErrorCode.INVALID_TOKEN


class OutOfStock(DomainError):
    code = ErrorCode.OUT_OF_STOCK


class EmptyCart(DomainError):
    code = ErrorCode.EMPTY_CART


class PaymentFailed(DomainError):
    code = ErrorCode.PAYMENT_FAILED


class InvalidTransition(DomainError):
    code = ErrorCode.INVALID_TRANSITION


class NotEligible(DomainError):
    code = ErrorCode.NOT_ELIGIBLE


class RateLimited(DomainError):
    code = ErrorCode.RATE_LIMITED


class VariantRequired(DomainError):
    code = ErrorCode.VARIANT_REQUIRED


class StockChanged(DomainError):
    code = ErrorCode.STOCK_CHANGED


class InUse(DomainError):
    code = ErrorCode.IN_USE


class BusinessForbidden(DomainError):
    """A business refusal reported in the payload (e.g. registering as ADMIN)."""

    code = ErrorCode.FORBIDDEN


class AccessDenied(DomainError):
    """The caller can see the object but does not own it: a top-level FORBIDDEN error."""

    code = ErrorCode.FORBIDDEN


def collect(*checks: DomainError | None) -> None:
    """Raise every failed check at once (None means the check passed)."""
    failed = [check for check in checks if check is not None]
    if len(failed) == 1:
        raise failed[0]
    if failed:
        raise ValidationFailed(failed)
