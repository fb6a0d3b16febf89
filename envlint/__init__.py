"""envlint: find what package sync cannot mirror onto Linux cluster workers, before launch."""

__version__ = "0.1.0"

#: The project's home: the one place every published link derives from (SARIF ``informationUri``
#: and each rule's ``helpUri`` = ``{__url__}/blob/main/docs/rules/<CODE>.md``).
#: PLACEHOLDER: the public repository is not decided yet, so this is a reserved, non-resolving
#: host (RFC 2606 ``.invalid``). Replace it with the repository's URL when it is published.
__url__ = "https://envlint.example.invalid/envlint"
