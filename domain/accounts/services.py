"""Account services: registration, login, tokens, seller approval and stores."""

from .models import User, UserType


def seller_approve(*, user: User) -> User:
    """Only sellers can be approved; approving twice changes nothing."""
    from domain.errors import InvalidInput

    if user.user_type != UserType.SELLER:
        raise InvalidInput("Only seller accounts can be approved.", field="userId")
    if not user.is_approved_seller:
        user.is_approved_seller = True
        user.save(update_fields=["is_approved_seller"])
    return user
