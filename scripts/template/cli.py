"""The template's own operations, run from a template checkout: new-service, new-entity, upgrade-service, render."""

import argparse
import re
import sys
from pathlib import Path

import generate
from generate import Options

ROOT = Path(__file__).resolve().parents[2]


def new_service(argv):
    parser = argparse.ArgumentParser(
        prog="scripts/new-service.sh",
        description="A new service from this template, assembled from the units you pick, in a git repository of its own.",
    )
    parser.add_argument("target", help="directory to create")
    parser.add_argument("--group", required=True, help="Maven groupId, e.g. com.acme")
    parser.add_argument("--artifact", required=True, help="Maven artifactId and service name, e.g. orders")
    parser.add_argument("--package", required=True, help="Java package, e.g. com.acme.orders")
    parser.add_argument("--key-prefix", help="Redis key prefix (default: the artifact's letters and digits, at most 12)")
    parser.add_argument(
        "--examples", default=None, help="example units to keep, comma-separated, or none (default: all of them)"
    )
    showcase = parser.add_mutually_exclusive_group()
    showcase.add_argument("--showcase", dest="showcase", action="store_true", default=None, help="keep the page at /")
    showcase.add_argument("--no-showcase", dest="showcase", action="store_false", help="leave the page at / out")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*", args.package):
        parser.error(f"invalid package: {args.package}")
    if not re.fullmatch(r"[a-z][a-z0-9-]*", args.artifact):
        parser.error(f"invalid artifact: {args.artifact}")
    if not re.fullmatch(r"[a-zA-Z0-9.-]+", args.group):
        parser.error(f"invalid group: {args.group}")
    prefix = args.key_prefix or re.sub(r"[^a-z0-9]", "", args.artifact)[:12]
    if not re.fullmatch(r"[a-z][a-z0-9-]*", prefix):
        parser.error(f"invalid key prefix: {prefix}")
    units = generate.load_units(ROOT)
    if args.examples is None:
        examples = sorted(u.name for u in units.values() if u.is_example)
    elif args.examples == "none":
        examples = []
    else:
        examples = [e for e in args.examples.split(",") if e]
    target = Path(args.target)
    if target.exists():
        parser.error(f"{target} already exists")
    options = Options(args.group, args.artifact, args.package, prefix, examples, bool(examples) if args.showcase is None else args.showcase)
    generate.generate(ROOT, target, options)
    units_made = ", ".join(examples + (["showcase"] if options.showcase else [])) or "none"
    print(f"Created {target} ({options.group}:{options.artifact}, package {options.package}, Redis key prefix {prefix}:, units: {units_made}).")
    print(f"Next: cd {target} && ./mvnw verify")


def upgrade_service(argv):
    import upgrade

    parser = argparse.ArgumentParser(
        prog="scripts/upgrade-service.sh",
        description="Brings this template's changes into a service made from an older one, as a three-way merge.",
    )
    parser.add_argument("target", help="the service's directory (a git repository with no uncommitted changes)")
    args = parser.parse_args(argv)
    sys.exit(upgrade.upgrade(ROOT, Path(args.target)))


def new_entity(argv):
    import entity

    parser = argparse.ArgumentParser(
        prog="scripts/new-entity.sh",
        description="A new cached entity in a service made from this template, started from one of its example units.",
    )
    parser.add_argument("target", help="the service's directory")
    parser.add_argument("name", help="the entity's name in the plural, lower case, e.g. orders")
    parser.add_argument("--from", dest="source", required=True, help="the example unit to start from, e.g. users")
    parser.add_argument("--singular", help="the name in the singular (default: the name without its final s)")
    parser.add_argument("--test", action="store_true", help="run the new unit's tests afterwards")
    parser.add_argument(
        "--any-version", action="store_true", help="even if the service is on another template version than this checkout"
    )
    args = parser.parse_args(argv)
    sys.exit(
        entity.new_entity(ROOT, Path(args.target), args.name, args.source, args.singular, args.test, args.any_version)
    )


def render(argv):
    """The template's own README.md and units' dependency block, from README.md.in and the units (--check: unchanged)."""
    parser = argparse.ArgumentParser(prog="scripts/template/cli.py render")
    parser.add_argument("--check", action="store_true", help="fail if README.md or pom.xml is not current")
    args = parser.parse_args(argv)
    units = generate.load_units(ROOT)
    context = {
        "name": generate.TEMPLATE_ARTIFACT,
        "group": generate.TEMPLATE_GROUP,
        "package_path": generate.TEMPLATE_PACKAGE_PATH,
        "prefix": generate.TEMPLATE_PREFIX,
        "template_version": "",
        "template_name": generate.TEMPLATE_ARTIFACT,
        "here": "path/to/service",
    }
    expected = {
        "README.md": generate.render_readme(ROOT, ROOT, "template", context),
        "pom.xml": generate.assemble_dependencies((ROOT / "pom.xml").read_text(), units.values()),
    }
    stale = [name for name, text in expected.items() if (ROOT / name).read_text() != text]
    if args.check:
        if stale:
            sys.exit(f"not current: {', '.join(stale)} (scripts/template/cli.py render writes them)")
        print("README.md and pom.xml are current")
        return
    for name in stale:
        (ROOT / name).write_text(expected[name])
        print(f"wrote {name}")


COMMANDS = {"new-service": new_service, "upgrade-service": upgrade_service, "new-entity": new_entity, "render": render}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: cli.py {{{'|'.join(COMMANDS)}}} ...")
    COMMANDS[sys.argv[1]](sys.argv[2:])
