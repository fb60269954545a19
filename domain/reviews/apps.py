from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "domain.reviews"
    label = "reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from domain.accounts.signals import display_name_changed

        from .receivers import author_renamed_bump

        display_name_changed.connect(author_renamed_bump, dispatch_uid="reviews.display_name_changed")
