"""The bodies dash-renderer posts to ``/_dash-update-component``, built from the app's own layout
and dependencies: the tests send the requests a real page sends (then mutate or replay them)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def _split_output(output: str) -> tuple[list[dict[str, Any]], bool]:
    multi = output.startswith("..") and output.endswith("..")
    parts = output[2:-2].split("...") if multi else [output]
    found = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        found.append({"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop})
    return found, multi


def component_props(layout: Any) -> dict[str, dict[str, Any]]:
    """Each component's props in the layout, under its id (a pattern id as sorted JSON)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("props") if "type" in node else None
            if isinstance(props, dict):
                if "id" in props:
                    found[json.dumps(props["id"], sort_keys=True)] = props
                node = props
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(layout)
    return found


def real_bodies(
    client: Any, referer: str = "http://localhost/", changed: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """What the page at ``referer`` posts for each server-side callback, with the values its layout
    holds, as dash-renderer builds the body; ``changed`` sets ``"id.property"`` values first.

    Background callbacks (the import) are left out: each request would start a worker process;
    the import's guard is tested in test_security.py.
    """
    layout = client.get("/_dash-layout", headers={"Referer": referer}).get_json()
    props = component_props(layout)
    for name, value in (changed or {}).items():
        ident, prop = name.rsplit(".", 1)
        props.setdefault(json.dumps(ident), {})[prop] = value

    def value_of(ident: Any, prop: str) -> Any:
        return props.get(json.dumps(ident, sort_keys=True), {}).get(prop)

    def entry(dep: dict[str, Any]) -> Any:
        ident, prop = dep["id"], dep["property"]
        if ident.startswith("{"):  # a pattern (ALL): every component that matches it
            pattern = json.loads(ident)
            matches = [
                json.loads(key)
                for key in props
                if key.startswith("{") and all(v == ["ALL"] or json.loads(key).get(f) == v for f, v in pattern.items())
            ]
            return [{"id": m, "property": prop, "value": value_of(m, prop)} for m in matches]
        return {"id": ident, "property": prop, "value": value_of(ident, prop)}

    bodies = []
    for dep in client.get("/_dash-dependencies").get_json():
        if dep.get("clientside_function") or dep.get("background"):
            continue
        outputs, multi = _split_output(dep["output"])
        first = dep["inputs"][0]
        bodies.append(
            {
                "output": dep["output"],
                "outputs": outputs if multi else outputs[0],
                "inputs": [entry(i) for i in dep["inputs"]],
                "changedPropIds": [f"{first['id']}.{first['property']}"],
                "state": [entry(s) for s in dep["state"]],
            }
        )
    return bodies
