"""Assembles a service from a template checkout: the shared files, the units asked for, renamed to the service."""

import fnmatch
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import readme
from units import load_units, read_properties

# The template's own names, which a generated service gets in its own spelling.
TEMPLATE_GROUP = "dev.cachepatterns"
TEMPLATE_ARTIFACT = "cache-patterns"
TEMPLATE_PACKAGE = "dev.cachepatterns"
TEMPLATE_PREFIX = "cp"
METADATA = ".template.properties"
FIRST_COMMIT = "New service {artifact} from the cache-patterns template"
DEPENDENCIES = re.compile(r"(<!-- units' dependencies[^\n]*-->\n)(.*?)(\s*<!-- end of units' dependencies -->)", re.S)


@dataclass
class Options:
    group: str
    artifact: str
    package: str
    prefix: str
    examples: list
    showcase: bool

    @property
    def package_path(self) -> str:
        return self.package.replace(".", "/")

    def selected(self, units: dict) -> list:
        chosen = [units[name] for name in self.examples]
        return chosen + [u for u in units.values() if u.kind == "showcase" and self.showcase]

    def properties(self) -> str:
        return (
            f"group={self.group}\nartifact={self.artifact}\npackage={self.package}\nkey-prefix={self.prefix}\n"
            f"examples={','.join(self.examples) or 'none'}\nshowcase={str(self.showcase).lower()}\n"
        )

    @staticmethod
    def read(path: Path) -> "Options":
        values = read_properties(path)
        examples = values["examples"]
        return Options(
            group=values["group"],
            artifact=values["artifact"],
            package=values["package"],
            prefix=values["key-prefix"],
            examples=[] if examples == "none" else examples.split(","),
            showcase=values["showcase"] == "true",
        )


def run(*command, cwd=None, quiet=False) -> str:
    result = subprocess.run(command, cwd=cwd, text=True, capture_output=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(command)}")
    if not quiet:
        return result.stdout
    return ""


def template_version(root: Path) -> tuple:
    commit = run("git", "rev-parse", "HEAD", cwd=root).strip()
    describe = run("git", "describe", "--always", "--dirty", cwd=root).strip()
    return commit, describe


def template_only(root: Path) -> list:
    lines = (root / "scripts/template/template-only").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def excluded(path: str, patterns: list) -> bool:
    return any(path.startswith(p) if p.endswith("/") else fnmatch.fnmatch(path, p) for p in patterns)


def files_of(root: Path, units: dict, options: Options) -> list:
    """The tracked files the service gets: everything but template-only paths and the units it was not made with."""
    names = run("git", "ls-files", "-z", cwd=root).split("\0")
    patterns = template_only(root)
    chosen = {u.name for u in options.selected(units)}
    owners = [(d + "/", u) for u in units.values() for d in [u.directory()] + u.package_dirs(TEMPLATE_PACKAGE_PATH)]
    demos = [d + "/" for u in units.values() for d in u.demo_dirs(TEMPLATE_PACKAGE_PATH)]
    kept = []
    for name in filter(None, names):
        if excluded(name, patterns) or not (root / name).exists():
            continue
        owner = next((u for prefix, u in owners if name.startswith(prefix)), None)
        if owner and owner.name not in chosen:
            continue
        if not options.showcase and any(name.startswith(d) for d in demos):
            continue
        kept.append(name)
    return kept


TEMPLATE_PACKAGE_PATH = TEMPLATE_PACKAGE.replace(".", "/")


def renamer(options: Options):
    """The template's names in the service's spelling, for file contents and paths alike."""
    pairs = [
        (TEMPLATE_PACKAGE, options.package),
        (TEMPLATE_PACKAGE_PATH, options.package_path),
        (TEMPLATE_ARTIFACT, options.artifact),
    ]
    prefix = re.compile(r"\b" + re.escape(TEMPLATE_PREFIX) + ":")
    # The name as an identifier: cachepatterns (database, user, Sentinel master) and cache_patterns (the dev and test
    # databases, cache_patterns_dev, named after quarkus.application.name).
    identifier = re.compile(r"\b(" + TEMPLATE_ARTIFACT.replace("-", "") + "|" + TEMPLATE_ARTIFACT.replace("-", "_") + r")(?=\b|_)")

    def rename(text: str) -> str:
        for old, new in pairs:
            text = text.replace(old, new)
        text = identifier.sub(options.artifact.replace("-", "_"), text)
        return prefix.sub(options.prefix + ":", text)

    return rename


def is_text(path: Path) -> bool:
    return b"\0" not in path.read_bytes()[:8192]


def copy_renamed(root: Path, target: Path, names: list, rename):
    for name in names:
        source = root / name
        destination = target / rename(name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if is_text(source):
            destination.write_text(rename(source.read_text()))
            shutil.copymode(source, destination)
        else:
            shutil.copy2(source, destination)


def assemble_dependencies(pom: str, units) -> str:
    """The pom's units' block, rebuilt from each unit's dependencies.xml (units that need nothing have none)."""
    parts = [Path(u.root) / "dependencies.xml" for u in units]
    body = "".join(p.read_text() for p in sorted(parts) if p.exists())
    if not DEPENDENCIES.search(pom):
        raise SystemExit("pom.xml has no units' dependencies block")
    return DEPENDENCIES.sub(lambda m: m.group(1) + body.rstrip("\n") + m.group(3), pom, count=1)


def render_readme(root: Path, target: Path, mode: str, context: dict, rename=lambda text: text) -> str:
    """README.md from README.md.in in the service's spelling ({{template_name}} keeps the template's)."""
    skeleton = rename((root / "scripts/template/README.md.in").read_text())
    return readme.render(skeleton, mode, load_units(target).values(), context)


def context_of(options: Options, version: str) -> dict:
    return {
        "name": options.artifact,
        "group": options.group,
        "package_path": options.package_path,
        "prefix": options.prefix,
        "template_version": version,
        "template_name": TEMPLATE_ARTIFACT,
        "here": f"path/to/{options.artifact}",
    }


def check_docs(root: Path, target: Path, absent_terms: list):
    terms = target / ".absent-terms"
    terms.write_text("".join(t + "\n" for t in absent_terms))
    try:
        result = subprocess.run(
            ["bash", str(root / "scripts/check-docs.sh"), str(target), "--absent", str(terms)],
            text=True,
            capture_output=True,
        )
    finally:
        terms.unlink()
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("the generated README and docs have the problems above")


def maven(target: Path, *arguments):
    run("./mvnw", "-B", "-q", *arguments, cwd=target, quiet=True)


def format_and_export_api_document(target: Path):
    """From a clean build (no stale class or resource of a file that moved), formats the sources (imports sort by package)
    and writes docs/openapi.yaml as this service serves it (its units decide its paths): Quarkus writes the document at
    build time, and every filter of the document runs at build time, so no test, database or Redis is needed."""
    maven(
        target, "clean", "spotless:apply", "package", "-Dmaven.test.skip=true",
        "-Dquarkus.smallrye-openapi.store-schema-directory=target/openapi",
    )
    shutil.copyfile(target / "target/openapi/openapi.yaml", target / "docs/openapi.yaml")


def generate(root: Path, target: Path, options: Options, commit: bool = True, build: bool = True):
    units = load_units(root)
    unknown = [name for name in options.examples if name not in units or not units[name].is_example]
    if unknown:
        examples = ", ".join(u.name for u in units.values() if u.is_example)
        raise SystemExit(f"unknown example: {', '.join(unknown)} (known: {examples})")
    commit_id, describe = template_version(root)
    rename = renamer(options)
    target.mkdir(parents=True)
    copy_renamed(root, target, files_of(root, units, options), rename)
    service_units = load_units(target)
    pom = target / "pom.xml"
    pom.write_text(assemble_dependencies(pom.read_text(), service_units.values()))
    pom.write_text(pom.read_text().replace(f"<groupId>{options.package}</groupId>", f"<groupId>{options.group}</groupId>", 1))
    context = context_of(options, describe)
    (target / "README.md").write_text(render_readme(root, target, "service", context, rename))
    (target / METADATA).write_text(
        "# The cache-patterns template version this service was made from (or last upgraded to), and the options it\n"
        "# was made with: scripts/upgrade-service.sh, run from a newer template checkout, reads them.\n"
        f"template.commit={commit_id}\ntemplate.version={describe}\n" + options.properties()
    )
    absent = [rename(t) for u in units.values() if u.name not in service_units for t in u.terms]
    check_docs(root, target, absent)
    if build:
        format_and_export_api_document(target)
    if commit:
        first_commit(target, FIRST_COMMIT.format(artifact=options.artifact) + f" {describe}")


def git_identity() -> list:
    configured = subprocess.run(["git", "config", "user.email"], capture_output=True, text=True).stdout.strip()
    return [] if configured else ["-c", "user.name=cache-patterns template", "-c", "user.email=template@invalid"]


def first_commit(target: Path, message: str):
    run("git", "init", "-q", "-b", "main", cwd=target)
    run("git", "add", "-A", cwd=target)
    run("git", *git_identity(), "commit", "-q", "-m", message, cwd=target)
    # The service as the template generated it: scripts/upgrade-service.sh merges newer generations from here.
    run("git", "branch", "template", cwd=target)

