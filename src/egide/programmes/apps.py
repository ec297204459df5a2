from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "egide.programmes"
    label = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from egide.audit.display import register_terms
        from egide.programmes import codes

        # The history shows lifecycle stages and document categories in the reader's language.
        register_terms(codes.LIFECYCLE_BY_CODE)
        register_terms(codes.DOCUMENT_CATEGORY_BY_CODE)
        register_terms(codes.DOCUMENT_LANGUAGE_BY_CODE)
