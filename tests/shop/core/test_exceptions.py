"""Domain exceptions carry a message translated in the language of whoever reads it."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from shop.core.exceptions import DomainError, InvalidInput, InvalidState, LimitExceeded, NotPermitted


def test_message_is_translated_when_shown_not_when_raised():
    with translation.override("en"):
        error = InvalidState(_("This order cannot be shipped yet."))

    with translation.override("zh-hans"):
        assert str(error) == "该订单暂不能发货。"
    with translation.override("en"):
        assert str(error) == "This order cannot be shipped yet."


def test_every_kind_is_a_domain_error_with_its_own_code_and_default_message():
    kinds = [NotPermitted, InvalidInput, InvalidState, LimitExceeded]

    errors = [kind() for kind in kinds]

    assert all(isinstance(error, DomainError) for error in errors)
    assert [error.code for error in errors] == ["not_permitted", "invalid", "invalid_state", "limit_exceeded"]
    with translation.override("zh-hans"):
        assert str(NotPermitted()) == "您无权执行此操作。"


def test_a_code_given_by_the_caller_wins():
    error = InvalidState(_("Only a year that has ended can be frozen."), code="running_year")

    assert error.code == "running_year"
    assert "running_year" in repr(error)
