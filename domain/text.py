"""Text that the database can store: PostgreSQL text holds neither NUL characters nor lone
UTF-16 surrogates (which JSON can carry as "\\ud800"); both fail inside a query otherwise."""


def text_storable(value: str) -> bool:
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
