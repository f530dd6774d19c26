"""A LaTeX table of dataset paths, ready to paste into a paper or note."""

from ..core.errors import InvalidRequestError, field_error

MAX_PATHS = 1000
MAX_TITLE = 500

# Characters LaTeX treats as commands, with their text-mode spelling.
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def escape(text):
    """``text`` as literal LaTeX text (no command survives)."""
    return "".join(_SPECIAL.get(char, char) for char in text)


def _checked(paths, title):
    errors = []
    if not isinstance(paths, list) or not paths:
        errors.append(field_error("paths", "Give a non-empty list of dataset paths."))
    elif len(paths) > MAX_PATHS:
        errors.append(field_error("paths", f"At most {MAX_PATHS} paths."))
    else:
        errors += [
            field_error(f"paths.{index}", "Each path is a non-empty string.")
            for index, path in enumerate(paths)
            if not isinstance(path, str) or not path.strip()
        ]
    if title is not None and (not isinstance(title, str) or len(title) > MAX_TITLE):
        errors.append(field_error("title", f"A string of at most {MAX_TITLE} characters."))
    if errors:
        raise InvalidRequestError("The table cannot be made from this input.", errors)


def dataset_table(paths, title=None):
    """A ``table`` environment listing ``paths``, captioned with ``title``."""
    _checked(paths, title)
    rows = [rf"    \texttt{{{escape(path.strip())}}} \\" for path in paths]
    caption = [rf"  \caption{{{escape(title)}}}"] if title else []
    return "\n".join(
        [
            r"\begin{table}[htbp]",
            r"  \centering",
            *caption,
            r"  \begin{tabular}{l}",
            r"    \hline",
            r"    Dataset \\",
            r"    \hline",
            *rows,
            r"    \hline",
            r"  \end{tabular}",
            r"\end{table}",
        ]
    )
