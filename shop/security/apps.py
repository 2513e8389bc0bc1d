from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Hardening: login throttling, content security policy, upload limits on every file field."""

    name = "shop.security"
    label = "security"
    verbose_name = "Security"

    def ready(self):
        from shop.security import uploads_policy

        # Third-party models (Oscar, Wagtail) declare file fields we cannot edit: give each one
        # the shop's upload validator so every upload form runs the same size/type/decoding checks.
        uploads_policy.guard_all_file_fields()
