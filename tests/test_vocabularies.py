"""Every vocabulary is written once, in domain/vocab.py: the window, the command line, the
reports and the exports read it. No string literal in those layers spells one of its codes."""

from __future__ import annotations

import ast
from pathlib import Path

from returns_desk.domain import vocab

ROOT = Path(__file__).resolve().parent.parent / "returns_desk"
LAYERS = [*sorted((ROOT / "ui").glob("*.py")), ROOT / "cli.py", *sorted((ROOT / "export").glob("*.py")), *sorted((ROOT / "reports").glob("*.py"))]
#: Codes distinctive enough to search for ("none", "receipt", "photo" are ordinary words elsewhere).
CODES = {*vocab.CONDITIONS.codes, *vocab.REMEDIES.codes, "order_number", *vocab.INCIDENT_ACTIONS.codes}


def test_no_vocabulary_code_is_spelled_outside_the_domain():
    found = []
    for path in LAYERS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        keys = {id(n.slice) for n in ast.walk(tree) if isinstance(n, ast.Subscript)}  # row["damaged"]: a field's name
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CODES and id(node) not in keys:
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: {node.value!r}")
    assert not found, "vocabulary codes outside domain/vocab.py:\n" + "\n".join(found)


def test_each_vocabulary_has_words_in_both_languages():
    from returns_desk.domain.messages import say

    for v in (vocab.CONDITIONS, vocab.REMEDIES, vocab.PROOF_TYPES, vocab.CONFIRMATIONS, vocab.INCIDENT_KINDS, vocab.INCIDENT_ACTIONS,
              vocab.GROUP_BY, vocab.EXPORT_FORMATS, vocab.CONTAINER_TYPES):
        for code in v:
            en, zh = v.word(code, "en"), v.word(code, "zh_CN")
            assert en and zh, (v.name, code)
            assert say(v.term(code).key, "zh_CN") == zh
