"""Import-linter's one contract type of ours (``.importlinter`` names it ``domain_only``): a domain module
imports only the standard library, ``retour.core``, its own app's domain and the pure libraries listed
(computation and parsing, no Django, no database)."""

from __future__ import annotations

import sys
from fnmatch import fnmatchcase
from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class DomainOnlyContract(Contract):
    type_name = "domain_only"

    # The packages whose ``domain`` subpackages are checked, e.g. ``retour``.
    containers = fields.ListField(subfield=fields.StringField())
    # Third-party top-level packages a domain may use besides the standard library.
    allowed_libraries = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        allowed_libraries = set(self.allowed_libraries or ())  # type: ignore[call-overload]
        illegal: list[dict[str, Any]] = []
        for container in self.containers:  # type: ignore[attr-defined]
            for module in sorted(graph.modules):
                parts = module.split(".")
                if parts[0] != container or len(parts) < 3 or parts[2] != "domain":
                    continue
                own = f"{container}.{parts[1]}.domain"
                for imported in sorted(graph.find_modules_directly_imported_by(module)):
                    if allowed(imported, own=own, container=container, libraries=allowed_libraries):
                        continue
                    lines = [
                        d["line_number"] for d in graph.get_import_details(importer=module, imported=imported)
                    ]
                    illegal.append({"importer": module, "imported": imported, "lines": lines})
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for found in check.metadata["illegal"]:
            lines = ", ".join(str(n) for n in found["lines"])
            output.print_error(f"{found['importer']} -> {found['imported']} (l. {lines})", bold=False)
            output.new_line()


def allowed(imported: str, *, own: str, container: str, libraries: set[str]) -> bool:
    top = imported.split(".")[0]
    if top == container:
        core = f"{container}.core"
        return imported in (core, own) or imported.startswith((f"{core}.", f"{own}."))
    return top in sys.stdlib_module_names or top in libraries


class AcyclicAppsContract(Contract):
    """No cycle between the apps of ``container``, counting the imports of every module but the entry
    points (admin pages, commands, migrations, the demo, the project's settings and URLs): an entry point
    is a leaf, so it cannot close a cycle, and the contract checks that too (nothing else imports one).
    ``ignore_imports`` lists single ``importer -> imported`` imports known to close a cycle, for now."""

    type_name = "acyclic_apps"

    container = fields.StringField()
    entry_points = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        container: str = self.container  # type: ignore[assignment]
        patterns: list[str] = list(self.entry_points)  # type: ignore[call-overload]
        ignored = {tuple(p.strip() for p in line.split("->")) for line in (self.ignore_imports or ())}  # type: ignore[attr-defined]
        unused = set(ignored)

        def entry(module: str) -> bool:
            return any(fnmatchcase(module, pattern) for pattern in patterns)

        edges: dict[str, dict[str, list[str]]] = {}
        leaks: list[str] = []
        for module in sorted(graph.modules):
            parts = module.split(".")
            if parts[0] != container or len(parts) < 2 or entry(module):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(module)):
                target = imported.split(".")
                if target[0] != container or len(target) < 2:
                    continue
                if (module, imported) in ignored:
                    unused.discard((module, imported))
                    continue
                if entry(imported):
                    leaks.append(f"{module} -> {imported}")
                elif target[1] != parts[1]:
                    edges.setdefault(parts[1], {}).setdefault(target[1], []).append(f"{module} -> {imported}")
        cycles = []
        for group in strongly_connected(edges):
            if len(group) > 1:
                members = set(group)
                cycles.append(
                    [
                        f"{a} -> {b}: {', '.join(edges[a][b])}"
                        for a in sorted(members)
                        for b in sorted(edges.get(a, {}))
                        if b in members
                    ]
                )
        stale = [f"{a} -> {b}" for a, b in sorted(unused)]
        return ContractCheck(
            kept=not (cycles or leaks or stale),
            metadata={"cycles": cycles, "leaks": leaks, "stale": stale},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error("A cycle between apps:", bold=True)
            for edge in cycle:
                output.print_error(f"  {edge}", bold=False)
            output.new_line()
        for leak in check.metadata["leaks"]:
            output.print_error(f"An entry point imported by another module: {leak}", bold=False)
        for stale in check.metadata["stale"]:
            output.print_error(f"An ignored import that no longer exists (remove it): {stale}", bold=False)


def strongly_connected(edges: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Tarjan's strongly connected components of the app graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in edges.get(node, {}):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups
