"""Who may open which institutions page (no model imports)."""


def staff_only(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    """Dashboard navigation access function for the staff-only institutions pages."""
    return bool(user.is_active and user.is_staff)
