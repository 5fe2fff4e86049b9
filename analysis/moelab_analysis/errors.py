"""The one error type the package raises for bad input files (the CLI maps it to exit code 2)."""


class MoelabFileError(Exception):
    """A file that is missing, is not a moelab result file, or does not have what was asked for."""
