"""The ground floor: small, shop-wide building blocks that every app may import and that import nothing of ours.

- ``dates``: the shop's calendar (Asia/Shanghai): today, year/month/day bounds, local display.
- ``exceptions``: the domain exceptions (``DomainError`` and its kinds) with translated messages.
- ``exports``: the one writer of every CSV/XLSX file the shop produces (typed cells, formula injection neutralised).
- ``files``: upload checks (type by content, extension must agree), shop-chosen names, private storage and the
  one private download.
"""
