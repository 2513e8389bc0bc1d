"""Which products are agricultural and sideline products (农副产品), the only ones that count toward quotas.

财库〔2019〕27号 and 〔2021〕20号 reserve a share of canteen procurement for agricultural and sideline
products from poverty-alleviation areas; a certified handicraft sells normally but does not count.

A category says yes or no, or leaves the question open to inherit its parent's answer; a top-level
category that leaves it open is agricultural (most of the catalogue is food), so staff declare the
exceptions (handicrafts) once, high in the tree. A product is agricultural unless one of its
categories resolves to "no"; a product in no category keeps the default.
"""

from oscar.core.loading import get_model

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")

DEFAULT = True


def resolved(paths: list[str]) -> dict[str, bool]:
    """Each category path's answer after inheritance, from one query over the paths and their ancestors."""
    steplen = Category.steplen
    prefixes = {path[:end] for path in paths for end in range(steplen, len(path) + 1, steplen)}
    own = dict(Category.objects.filter(path__in=prefixes).values_list("path", "is_agricultural"))
    answers = {}
    for path in paths:
        answer = DEFAULT
        for end in range(steplen, len(path) + 1, steplen):  # from the root down: the deepest answer wins
            if own.get(path[:end]) is not None:
                answer = own[path[:end]]
        answers[path] = answer
    return answers


def category_is_agricultural(category) -> bool:
    return resolved([category.path])[category.path]


def is_agricultural(product) -> bool:
    """Whether a product (a variant: its parent) is an agricultural or sideline product."""
    source = product.parent if product.is_child else product
    paths = list(ProductCategory.objects.filter(product=source).values_list("category__path", flat=True))
    return all(resolved(paths).values())
