"""Comments and docstrings say why: they cite no timings (history belongs in commit
messages) and name no file that does not exist."""

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMING = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:ms|milliseconds?|µs|microseconds?|seconds?)\b",
                    re.IGNORECASE)
CITED_FILE = re.compile(r"(?<![\w./-])((?:[\w-]+/)+[\w-]+\.(?:py|html|txt|md|json|toml))\b")


def sources():
    for folder in ("apps", "backend", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def prose(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each comment and docstring in the file."""
    text = path.read_text()
    found = [(token.start[0], token.string)
             for token in tokenize.generate_tokens(io.StringIO(text).readline)
             if token.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                found.append((node.body[0].lineno, docstring))
    return found


def exists(cited: str, beside: Path) -> bool:
    return any((base / cited).exists()
               for base in (ROOT, ROOT / "apps", ROOT / "templates", beside.parent))


def test_no_comment_or_docstring_cites_a_timing():
    timed = [f"{path.relative_to(ROOT)}:{line}: {match.group(0)}"
             for path in sources() for line, text in prose(path)
             for match in TIMING.finditer(text)]
    assert not timed, "\n".join(timed)


def test_every_file_a_comment_or_docstring_names_exists():
    missing = [f"{path.relative_to(ROOT)}:{line}: {cited}"
               for path in sources() for line, text in prose(path)
               for cited in CITED_FILE.findall(text) if not exists(cited, path)]
    assert not missing, "\n".join(missing)


def test_the_checks_find_what_they_look_for(tmp_path):
    example = tmp_path / "example.py"
    example.write_text('"""Read in 12 ms (apps/none/such.py)."""\n# 3.5 seconds, see x.py\n'
                       'VALUE = "40 ms"  # apps/money/costing.py\n')
    texts = " ".join(text for _, text in prose(example))
    assert sorted(TIMING.findall(texts)) == ["12 ms", "3.5 seconds"]  # not the string's
    assert [c for c in CITED_FILE.findall(texts) if not exists(c, example)] == [
        "apps/none/such.py"]
