"""The layering rules of the architecture sketch (shared/design/architecture.md), checked on the
source (parsed with `ast`, never imported): no SQL outside `store/` — so no module elsewhere
imports SQLAlchemy (or a database driver) or reaches for a private name of the store — and
`store` never imports `api`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "claimledger"
DB_LIBRARIES = ("sqlalchemy", "alembic", "psycopg", "psycopg2")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(module: str | None, level: int, here: str, is_package: bool) -> str:
    """The absolute module a (possibly relative) `from ... import` names."""
    if level == 0:
        return module or ""
    base = here.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_store(module: str) -> bool:
    return module == "claimledger.store" or module.startswith("claimledger.store.")


def violations(source: str, here: str, is_package: bool = False) -> list[str]:
    """What in `source` (the text of module `here`) breaks the no-SQL-outside-store rule."""
    tree = ast.parse(source)
    out: list[str] = []
    store_aliases: set[str] = set()  # local names bound to a store module
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in DB_LIBRARIES:
                    out.append(f"line {node.lineno}: import {a.name}")
                if _is_store(a.name):
                    if any(_is_private(p) for p in a.name.split(".")):
                        out.append(f"line {node.lineno}: import {a.name} (private store module)")
                    store_aliases.add(a.asname or a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            mod = _absolute(node.module, node.level, here, is_package)
            if mod.split(".")[0] in DB_LIBRARIES:
                out.append(f"line {node.lineno}: from {mod} import ...")
            if _is_store(mod):
                if any(_is_private(p) for p in mod.split(".")):
                    out.append(f"line {node.lineno}: from {mod} (private store module)")
                for a in node.names:
                    if _is_private(a.name):
                        out.append(f"line {node.lineno}: from {mod} import {a.name} (private store name)")
                    elif mod == "claimledger.store" or a.name[:1].islower():
                        store_aliases.add(a.asname or a.name)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _is_private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in store_aliases):
            out.append(f"line {node.lineno}: {node.value.id}.{node.attr} (private store name)")
    return out


def _modules(under: Path) -> list[Path]:
    return sorted(p for p in under.rglob("*.py") if "migrations" not in p.relative_to(PKG).parts)


OUTSIDE_STORE = [p for p in _modules(PKG) if p.relative_to(PKG).parts[0] != "store"]


def test_the_scan_sees_the_whole_package() -> None:
    names = {p.relative_to(PKG).as_posix() for p in OUTSIDE_STORE}
    assert {"api/app.py", "api/aggregates.py", "api/budget.py", "reconcile/__init__.py", "cli.py"} <= names


@pytest.mark.parametrize("path", OUTSIDE_STORE, ids=lambda p: p.relative_to(PKG).as_posix())
def test_no_sql_outside_store(path: Path) -> None:
    found = violations(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")
    assert not found, f"{path.relative_to(PKG)}: SQL belongs in claimledger/store/: " + "; ".join(found)


@pytest.mark.parametrize("path", _modules(PKG / "store"), ids=lambda p: p.relative_to(PKG).as_posix())
def test_store_never_imports_api(path: Path) -> None:
    here = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    imported += [_absolute(n.module, n.level, here, path.name == "__init__.py")
                 for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    bad = [m for m in imported if m == "claimledger.api" or m.startswith(("claimledger.api.", "claimledger.web"))]
    assert not bad, f"{path.relative_to(PKG)} imports {bad}"


@pytest.mark.parametrize(("source", "here", "caught"), [
    ("from sqlalchemy import select", "claimledger.api.x", True),
    ("import sqlalchemy.orm as orm", "claimledger.reconcile.x", True),
    ("from sqlalchemy.orm import Session", "claimledger.reconcile", True),
    ("import psycopg", "claimledger.export.x", True),
    ("from claimledger.store.query import _where", "claimledger.api.x", True),
    ("from claimledger.store.query import _where as where", "claimledger.api.x", True),
    ("from ..store.query import _count", "claimledger.api.budget", True),
    ("from claimledger.store import query as q\nq._mentions_document(c)", "claimledger.api.x", True),
    ("import claimledger.store.query\nclaimledger.store.query.where_clause", "claimledger.api.x", False),
    ("from claimledger.store import _q", "claimledger.api.x", True),
    ("from claimledger.store import Filter, Ledger", "claimledger.api.x", False),
    ("from claimledger.store.query import OPS, where_clause", "claimledger.api.x", False),
    ("from claimledger.store.recon import ClaimInfo", "claimledger.reconcile.x", False),
    ("import sqlite3", "claimledger.normalize.places", False),  # the gazetteer's own file, not the ledger
    ("x = text('select 1')", "claimledger.api.x", False),
])
def test_the_checker_catches_what_it_should(source: str, here: str, caught: bool) -> None:
    assert bool(violations(source, here, here.endswith("reconcile"))) is caught
