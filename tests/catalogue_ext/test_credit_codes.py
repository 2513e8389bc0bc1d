import pytest
from django.core.exceptions import ValidationError

from catalogue_ext.credit_codes import check_character, validate_credit_code

# Published on real business licences (check digits verified by GB 32100-2015).
REAL_FORMAT_CODES = ["91350100M000100Y43", "91110000802100433B", "12100000400000624D"]


@pytest.mark.parametrize("code", REAL_FORMAT_CODES)
def test_real_format_codes_are_accepted(code):
    validate_credit_code(code)


def test_lower_case_and_spaces_are_normalised():
    validate_credit_code(" 91350100m000100y43 ")


def test_wrong_check_digit_is_rejected_with_the_expected_character():
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code("91350100M000100Y44")

    error = excinfo.value.error_list[0]
    assert error.code == "credit_code_check_digit"
    message = str(error.message % error.params)
    assert "3" in message and "4" in message  # names what it should be and what was typed


@pytest.mark.parametrize(
    "code, expected_code",
    [
        ("9135010M000100Y43", "credit_code_length"),
        ("91350100M000100Y4345", "credit_code_length"),
        ("91350100M0001O0Y43", "credit_code_chars"),  # letter O is never used
        ("9135AB00M000100Y43", "credit_code_region"),
    ],
)
def test_malformed_codes_are_rejected_with_a_specific_error(code, expected_code):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)

    assert excinfo.value.error_list[0].code == expected_code


def test_check_character_matches_the_standard_for_a_known_code():
    assert check_character("91350100M000100Y4") == "3"
