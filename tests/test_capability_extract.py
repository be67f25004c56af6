"""Taking the program out of real-looking model answers: fences, several blocks, reasoning, prose, demo code."""

from __future__ import annotations

import time

from upstream.capability.extract import clean, extract_code, fenced_blocks

SOLUTION = "def count_vowels(text: str) -> int:\n    return sum(ch in 'aeiou' for ch in text.lower())\n"


def test_one_fenced_block_between_prose() -> None:
    answer = ("Sure! Here's a function that counts the vowels:\n\n```python\n" + SOLUTION + "```\n\n"
              "### Explanation\n- We lower-case the text.\n- `sum` counts the matches.\n")
    got = extract_code(answer, "count_vowels")
    assert got.code == SOLUTION and got.source == "fenced" and got.blocks == 1
    assert got.defines_entry and got.parses and got.note is None


def test_demo_code_in_the_block_is_dropped_definitions_kept() -> None:
    answer = ("```python\nimport re\n\nVOWELS = set('aeiou')\n\n\ndef _is_vowel(ch):\n    return ch in VOWELS\n\n\n"
              "def count_vowels(text):\n    \"\"\"Count.\"\"\"\n    return sum(_is_vowel(c) for c in text.lower())\n\n"
              "# Example usage\nprint(count_vowels('Programming'))  # 3\nassert count_vowels('') == 0\n"
              "count_vowels('x')\n\nif __name__ == '__main__':\n    import doctest\n    doctest.testmod()\n```")
    got = extract_code(answer, "count_vowels")
    assert "print(" not in got.code and "assert" not in got.code and "__main__" not in got.code
    assert "count_vowels('x')" not in got.code
    for kept in ("import re", "VOWELS = set('aeiou')", "def _is_vowel(ch):", '"""Count."""'):
        assert kept in got.code
    assert got.parses and got.defines_entry


def test_setup_calls_are_kept_runners_and_input_dropped() -> None:
    code, tree = clean("import sys\nsys.setrecursionlimit(10000)\n\ndef f(n):\n    return n\n\n"
                       "n = int(input())\nprint(f(n))\nunittest.main()\nsys.exit(0)\n")
    assert tree is not None
    assert "sys.setrecursionlimit(10000)" in code
    assert "n = int(input())" in code, "an assignment is kept: the model was told not to read input"
    assert "print(" not in code and "unittest.main" not in code and "sys.exit" not in code


def test_the_block_defining_the_entry_point_wins_over_usage_blocks() -> None:
    answer = ("```python\n" + SOLUTION + "```\n\nYou can test it like this:\n\n```python\n"
              "print(count_vowels('hello'))\n```\n\nOr from the shell:\n\n```bash\npython vowels.py\n```\n")
    got = extract_code(answer, "count_vowels")
    assert got.code == SOLUTION and got.blocks == 3


def test_a_corrected_second_version_wins() -> None:
    first = "def median(xs):\n    return sorted(xs)[len(xs) // 2]\n"
    second = ("def median(xs):\n    s = sorted(xs)\n    m = len(s) // 2\n"
              "    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2\n")
    answer = (f"First attempt:\n```python\n{first}```\nWait, that is wrong for even lengths. "
              f"Corrected:\n```python\n{second}```")
    assert extract_code(answer, "median").code == second


def test_reasoning_blocks_are_ignored() -> None:
    answer = ("<think>\nMaybe:\n```python\ndef count_vowels(t):\n    return 0\n```\nNo, that is wrong.\n</think>\n\n"
              "```python\n" + SOLUTION + "```")
    assert extract_code(answer, "count_vowels").code == SOLUTION
    cut_off = "<think>\nLet me write it:\n```python\ndef count_vowels(t):\n    return 1\n```\n"
    got = extract_code(cut_off, "count_vowels")
    assert got.code == "" and got.source == "none", "code inside unfinished reasoning is not an answer"


def test_bare_code_with_prose_around_it() -> None:
    answer = ("Sure, here is the code:\n\n" + SOLUTION + "\nThis function lower-cases the text and counts "
              "the characters that are vowels.\nIt runs in linear time.")
    got = extract_code(answer, "count_vowels")
    assert got.source == "bare" and got.code == SOLUTION and got.parses


def test_bare_code_starting_with_imports_and_decorators() -> None:
    answer = ("from functools import lru_cache\n\n@lru_cache(maxsize=None)\ndef fib(n):\n"
              "    return n if n < 2 else fib(n - 1) + fib(n - 2)\n")
    got = extract_code(answer, "fib")
    assert got.code == answer and got.defines_entry


def test_an_unclosed_fence_runs_to_the_end() -> None:
    answer = "```python\n" + SOLUTION + "\n# more to come"
    got = extract_code(answer, "count_vowels")
    assert got.code.startswith(SOLUTION) and got.defines_entry
    assert got.note is not None and "not closed" in got.note


def test_fence_variants() -> None:
    for opening in ("```py", "```Python3", "``` python", "~~~python", "````python", "```python title=\"x.py\""):
        closing = opening[:4] if opening.startswith("````") else opening[:3]
        answer = f"Code:\n{opening}\n{SOLUTION}{closing}\n"
        assert extract_code(answer, "count_vowels").code == SOLUTION, opening
    indented = "1. Write the function:\n\n   ```python\n   def f(x):\n       return x + 1\n   ```\n"
    assert extract_code(indented, "f").code == "def f(x):\n    return x + 1\n"
    glued = "```python\ndef f(x):\n    return x + 1```\nDone."
    assert extract_code(glued, "f").code == "def f(x):\n    return x + 1\n"


def test_code_in_a_block_with_another_label() -> None:
    answer = "```text\n" + SOLUTION + "```\n\n```\nOutput: 3\n```"
    got = extract_code(answer, "count_vowels")
    assert got.code == SOLUTION and got.note is not None and "'text'" in got.note


def test_no_block_defines_the_entry_point() -> None:
    answer = "```python\nimport math\n```\n\n```python\ndef helper(x):\n    return math.sqrt(x)\n```"
    got = extract_code(answer, "area")
    assert got.code == "import math\n\ndef helper(x):\n    return math.sqrt(x)\n"
    assert not got.defines_entry and got.note is not None and "joined" in got.note


def test_a_broken_defining_block_is_kept_rather_than_the_usage_blocks() -> None:
    answer = ("```python\ndef merge(xs):\n    out = xs[]\n    return out\n```\n\nExample usage:\n```python\n"
              "xs = [(1, 2)]\nprint(merge(xs))\n```\n\nOutput:\n```\n[(1, 2)]\n```")
    got = extract_code(answer, "merge")
    assert got.code.startswith("def merge(xs):") and not got.parses
    assert got.note is not None and "not valid Python" in got.note


def test_class_entry_point_and_assignment_entry_point() -> None:
    answer = "```python\nclass MinStack:\n    def __init__(self):\n        self.items = []\n```"
    assert extract_code(answer, "MinStack").defines_entry
    assert extract_code("```python\ndouble = lambda x: 2 * x\n```", "double").defines_entry
    method_only = "```python\nclass Solution:\n    def count_vowels(self, s):\n        return 0\n```"
    got = extract_code(method_only, "count_vowels")
    assert got.code and not got.defines_entry, "a LeetCode-style method is not the function asked for"


def test_answers_without_code() -> None:
    for answer in ("", "I'm sorry, I can't help with that.", "The answer is 42.", "```\n```"):
        got = extract_code(answer, "f")
        assert got.code == "" and got.source == "none" and not got.defines_entry, answer


def test_unparsable_code_is_handed_on_as_is() -> None:
    answer = "```python\ndef f(x):\n    return x +\n```"
    got = extract_code(answer, "f")
    assert got.code == "def f(x):\n    return x +\n" and not got.parses and not got.defines_entry


def test_windows_line_endings() -> None:
    answer = "```python\r\ndef f(x):\r\n    return x\r\n```\r\n"
    assert extract_code(answer, "f").code == "def f(x):\n    return x\n"


def test_fenced_blocks_keep_languages_and_closing() -> None:
    blocks = fenced_blocks("a\n```js\nx()\n```\n```python\ny = 1\n")
    assert [(b.lang, b.body, b.closed) for b in blocks] == [("js", "x()", True), ("python", "y = 1", False)]


def test_huge_and_hostile_answers_are_bounded() -> None:
    started = time.perf_counter()
    extract_code("word " * 500_000, "f")
    extract_code("def f(:\n" + "x = (\n" * 3000, "f")
    extract_code("```python\n" + "(" * 100_000 + "\n```", "f")
    extract_code("```\n" * 20_000, "f")
    assert time.perf_counter() - started < 10
