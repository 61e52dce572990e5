#!/usr/bin/env python3
"""A stand-in for `kubectl kustomize` on machines without kubectl, for deploy/validate.sh only.

It renders the subset of kustomize this folder uses: resources (files and directories), namespace,
labels (with selectors), images, JSON 6902 patches (add/replace/remove) and configMapGenerator with
behavior merge. Anything else in a kustomization.yaml is an error, so the check never passes on a
feature it does not understand. Usage: mini_kustomize.py DIR > rendered.yaml
"""
import copy
import os
import sys

import yaml

KNOWN = {"apiVersion", "kind", "resources", "namespace", "labels", "images", "patches", "configMapGenerator"}


def render(directory):
    with open(os.path.join(directory, "kustomization.yaml")) as f:
        k = yaml.safe_load(f)
    unknown = set(k) - KNOWN
    if unknown:
        raise SystemExit(f"{directory}: mini_kustomize does not support {sorted(unknown)}; install kubectl")
    docs = []
    for res in k.get("resources", []):
        path = os.path.join(directory, res)
        if os.path.isdir(path):
            docs.extend(render(path))
        else:
            with open(path) as f:
                docs.extend(d for d in yaml.safe_load_all(f) if d)
    for group in k.get("labels", []):
        for d in docs:
            d.setdefault("metadata", {}).setdefault("labels", {}).update(group["pairs"])
            if group.get("includeSelectors"):
                spec = d.get("spec", {})
                if d["kind"] == "Deployment":
                    spec.setdefault("selector", {}).setdefault("matchLabels", {}).update(group["pairs"])
                    spec["template"].setdefault("metadata", {}).setdefault("labels", {}).update(group["pairs"])
                elif d["kind"] == "Service":
                    spec.setdefault("selector", {}).update(group["pairs"])
                elif d["kind"] == "PodDisruptionBudget":
                    spec.setdefault("selector", {}).setdefault("matchLabels", {}).update(group["pairs"])
    for patch in k.get("patches", []):
        target = patch["target"]
        matches = [d for d in docs if d["kind"] == target["kind"] and d["metadata"]["name"] == target["name"]]
        if not matches:
            raise SystemExit(f"{directory}: patch target {target} not found")
        for d in matches:
            for op in yaml.safe_load(patch["patch"]):
                apply(d, op)
    for gen in k.get("configMapGenerator", []):
        cm = next((d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == gen["name"]), None)
        if cm is None or gen.get("behavior") != "merge":
            raise SystemExit(f"{directory}: only configMapGenerator merges into an existing ConfigMap are supported")
        for literal in gen.get("literals", []):
            key, _, value = literal.partition("=")
            cm.setdefault("data", {})[key] = value
    for image in k.get("images", []):
        for d in docs:
            for c in d.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
                name, _, _ = c["image"].partition(":")
                if name == image["name"]:
                    c["image"] = f"{image.get('newName', name)}:{image['newTag']}" if "newTag" in image else image.get("newName", name)
    if "namespace" in k:
        for d in docs:
            d["metadata"]["namespace"] = k["namespace"]
    return docs


def apply(doc, op):
    parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
    parent = doc
    for p in parts[:-1]:
        parent = parent[int(p)] if isinstance(parent, list) else parent[p]
    last = parts[-1]
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last)
        if op["op"] == "add":
            parent.insert(index, copy.deepcopy(op["value"]))
        elif op["op"] == "replace":
            parent[index] = copy.deepcopy(op["value"])
        elif op["op"] == "remove":
            del parent[index]
        else:
            raise SystemExit(f"unsupported patch op {op['op']}")
    else:
        if op["op"] in ("add", "replace"):
            if op["op"] == "replace" and last not in parent:
                raise SystemExit(f"replace of missing path {op['path']}")
            parent[last] = copy.deepcopy(op["value"])
        elif op["op"] == "remove":
            del parent[last]
        else:
            raise SystemExit(f"unsupported patch op {op['op']}")


if __name__ == "__main__":
    yaml.safe_dump_all(render(sys.argv[1]), sys.stdout, sort_keys=False)
