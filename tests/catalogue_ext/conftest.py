from tests.sellers.conftest import own_product, seller_user  # noqa: F401 - the dashboard edit needs a seller
