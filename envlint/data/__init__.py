


def read_bytes(name: str) -> bytes:
    """A data file of envlint's own, read next to this module (importlib.resources only for an
    install that is not plain files, such as a zip: it costs imports that every run would pay)."""
    from pathlib import Path

    try:
        return (Path(__file__).parent / name).read_bytes()
    except OSError:
        from importlib import resources

        return resources.files(__name__).joinpath(name).read_bytes()


def read_text(name: str) -> str:
    return read_bytes(name).decode("utf-8")
