"""The caller's own account: password change and reset, e-mail verification and change, profile,
and leaving with their data (export, deletion)."""

from __future__ import annotations

import strawberry
from strawberry import Info
from strawberry.scalars import JSON
from strawberry.utils.str_converters import to_camel_case

from domain.accounts import credentials, profile, verification
from domain.privacy import services as privacy

from .accounts import Language, UserPayload
from .errors import UserError
from .permissions import LoggedIn, Public, allow, mutation


@strawberry.type(name="DonePayload")
class DonePayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    done: bool = False


@strawberry.input(name="ProfileInput", description="A field left out is unchanged.")
class ProfileInput:
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = strawberry.field(
        default=None, description="An Angolan number (+244 923 456 789); an empty string removes it."
    )
    language: Language | None = strawberry.field(
        default=None, description="The language of the user's e-mails."
    )


def _camel_keys(value):
    """The domain's Python key names in the API's camelCase, all the way down."""
    if isinstance(value, dict):
        return {to_camel_case(key): _camel_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel_keys(item) for item in value]
    return value


@strawberry.type
class Query:
    @strawberry.field(
        extensions=allow(LoggedIn),
        description="Everything the marketplace keeps about the caller (profile, orders, reviews, "
        "wishlist), as one JSON document.",
    )
    def export_my_data(self, info: Info) -> JSON:
        return _camel_keys(privacy.account_export(user=info.context.request.user))


@strawberry.type
class Mutation:
    @mutation(LoggedIn, description="Every token of the account stops working: log in again.")
    def change_password(self, info: Info, current_password: str, new_password: str) -> UserPayload:
        user = credentials.password_change(
            user=info.context.request.user,
            current_password=current_password,
            new_password=new_password,
            client_ip=info.context.request.client_ip,
        )
        return UserPayload(user=user)

    @mutation(
        Public,
        description="E-mails a single-use link to reset the password, if an account has this address. "
        "The answer is the same for any address.",
    )
    def request_password_reset(self, info: Info, email: str) -> DonePayload:
        credentials.password_reset_request(email=email, client_ip=info.context.request.client_ip)
        return DonePayload(done=True)

    @mutation(Public, description="The token of the e-mailed link; every token of the account stops working.")
    def reset_password(self, token: str, new_password: str) -> UserPayload:
        return UserPayload(user=credentials.password_reset(token=token, new_password=new_password))

    @mutation(Public, description="The token of an e-mailed verification link (a new or a changed address).")
    def verify_email(self, token: str) -> UserPayload:
        return UserPayload(user=verification.email_verify(token=token))

    @mutation(
        LoggedIn, description="Sends the verification link again (for an unverified or a changed address)."
    )
    def resend_verification(self, info: Info) -> DonePayload:
        verification.verification_resend(
            user=info.context.request.user, client_ip=info.context.request.client_ip
        )
        return DonePayload(done=True)

    @mutation(LoggedIn)
    def update_profile(self, info: Info, input: ProfileInput) -> UserPayload:
        user = profile.profile_update(
            user=info.context.request.user,
            first_name=input.first_name,
            last_name=input.last_name,
            phone=input.phone,
            language=input.language,
        )
        return UserPayload(user=user)

    @mutation(
        LoggedIn,
        description="Sends a verification link to the new address; the account's e-mail changes once "
        "it is followed.",
    )
    def change_email(self, info: Info, new_email: str, password: str) -> UserPayload:
        user = verification.email_change(
            user=info.context.request.user,
            new_email=new_email,
            password=password,
            client_ip=info.context.request.client_ip,
        )
        return UserPayload(user=user)

    @mutation(
        LoggedIn,
        description="Anonymises the caller and closes the account; orders keep what sellers must keep. "
        "A seller with open orders cannot leave yet.",
    )
    def delete_account(self, info: Info, password: str) -> DonePayload:
        privacy.account_delete(
            user=info.context.request.user, password=password, client_ip=info.context.request.client_ip
        )
        return DonePayload(done=True)
