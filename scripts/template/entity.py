"""A new cached entity in a generated service, started from one of the template's example units under a new name."""

import re
import subprocess
from pathlib import Path

import generate
from generate import METADATA, Options, run
from units import load_units, read_properties

MIGRATION = re.compile(r"^V(\d+)__(.+)\.sql$")


def name_renamer(source, plural: str, singular: str):
    """The source unit's names (and the extra names its unit.properties lists) in the new entity's spelling: each form
    where it ends a word or an identifier's part (UserService, userId, cp:users), never inside another word (Postgres,
    username), and the lower-case singular never as a method (post(...))."""
    extra = [(old, new.format(plural=plural, singular=singular)) for old, new in source.renames]
    forms = [(source.plural.upper(), plural.upper()), (source.plural.capitalize(), plural.capitalize()), (source.plural, plural)]
    if source.singular != source.plural:
        forms.append((source.singular.capitalize(), singular.capitalize()))
    patterns = [(re.compile(re.escape(old) + r"(?![a-z])"), new) for old, new in forms]
    if source.singular != source.plural:
        patterns.append((re.compile(r"(?<![.A-Za-z])" + re.escape(source.singular) + r"(?![a-z])"), singular))

    def rename(text: str) -> str:
        for old, new in extra:
            text = text.replace(old, new)
        for pattern, new in patterns:
            text = pattern.sub(new, text)
        return text

    return rename


def next_version(target: Path) -> int:
    versions = [
        int(m.group(1))
        for path in list(target.glob("src/main/resources/db/migration/*.sql")) + list(target.glob("units/*/db/migration/*.sql"))
        if (m := MIGRATION.match(path.name))
    ]
    return max(versions, default=0) + 1


def idempotent(sql: str, shared: list) -> str:
    """The layer's own objects that the source's migration creates: created here only if they do not exist yet."""
    for name in shared:
        sql = re.sub(rf"\bCREATE (TABLE|INDEX) {re.escape(name)}\b", rf"CREATE \1 IF NOT EXISTS {name}", sql)
    return sql


def source_files(root: Path, source) -> list:
    names = run("git", "ls-files", "-z", cwd=root).split("\0")
    owned = [source.directory() + "/"] + [d + "/" for d in source.package_dirs(generate.TEMPLATE_PACKAGE_PATH)]
    demos = [d + "/" for d in source.demo_dirs(generate.TEMPLATE_PACKAGE_PATH)]
    return [
        n for n in names
        if n and any(n.startswith(o) for o in owned) and not any(n.startswith(d) for d in demos) and (root / n).exists()
    ]


SHARED_CODE = ("src/main/java/{p}/cache", "src/main/java/{p}/platform", "src/test/java/{p}/support", "pom.xml")


def shared_code_changes(root: Path, made_from: str) -> str:
    """What of the code every unit builds on changed between the service's template commit and this checkout ('' if
    nothing); an unknown commit counts as changed."""
    paths = [p.format(p=generate.TEMPLATE_PACKAGE_PATH) for p in SHARED_CODE]
    known = subprocess.run(["git", "cat-file", "-e", f"{made_from}^{{commit}}"], cwd=root, capture_output=True)
    if not made_from or known.returncode != 0:
        return "everything (its commit is not in this checkout)"
    changed = run("git", "diff", "--name-only", made_from, "--", *paths, cwd=root).split()
    return f"{len(changed)} files of the layer, the platform or the test support" if changed else ""


def name_clashes(root: Path, files: list, rename, target: Path, options: Options, name: str) -> list:
    """Classes of the new unit whose new simple name is also the name of a class it imports from elsewhere."""
    own = {Path(rename(f)).stem for f in files if f.endswith(".java")}
    package = f"{options.package}.{name}"
    clashes = set()
    for f in files:
        if f.endswith(".java"):
            for imported in re.findall(r"^import ([\w.]+)\.(\w+);", rename((root / f).read_text()), re.M):
                if imported[1] in own and not imported[0].startswith(package):
                    clashes.add(f"{imported[1]} ({imported[0]})")
    return sorted(clashes)


def update_readme(target: Path, root: Path, options: Options) -> bool:
    """The README's units blocks (table and tour) rendered again with the new unit; False if the team removed them."""
    path = target / "README.md"
    text = path.read_text()
    context = generate.context_of(options, "")
    fresh = generate.render_readme(root, target, "service", context, generate.renamer(options))
    changed = False
    for block in ("units: table", "units: tour"):
        pattern = re.compile(rf"<!-- {block} -->\n.*?<!-- /{block} -->\n", re.S)
        new = pattern.search(fresh)
        if new and pattern.search(text):
            text = pattern.sub(lambda _: new.group(0), text, count=1)
            changed = True
    path.write_text(text)
    return changed


def new_entity(root: Path, target: Path, name: str, source_name: str, singular, test: bool, any_version=False) -> int:
    target = target.resolve()
    if not (target / METADATA).exists():
        raise SystemExit(f"{target} has no {METADATA}: it was not made by scripts/new-service.sh")
    options = Options.read(target / METADATA)
    made_from = read_properties(target / METADATA).get("template.commit", "")
    moved = shared_code_changes(root, made_from)
    if moved and not any_version:
        # The example's code and tests use the layer, the platform and the test support of this checkout.
        raise SystemExit(
            f"{target} is on the template {made_from[:8] or '?'}, and this checkout changed {moved} since: run"
            f" scripts/upgrade-service.sh {target} from it first (or --any-version to try anyway)"
        )
    units = load_units(root)
    source = units.get(source_name)
    if source is None or not source.is_example:
        raise SystemExit(f"no example unit {source_name} (known: {', '.join(u.name for u in units.values() if u.is_example)})")
    if not re.fullmatch(r"[a-z][a-z0-9]*", name):
        raise SystemExit(f"invalid name {name}: lower-case letters and digits, starting with a letter")
    singular = singular or (name[:-1] if name.endswith("s") and len(name) > 1 else name)
    if (target / "units" / name).exists() or (target / "src/main/java" / options.package_path / name).exists():
        raise SystemExit(f"{target} already has a unit or package {name}")
    by_name = name_renamer(source, name, singular)
    to_service = generate.renamer(options)
    version = next_version(target)
    files = source_files(root, source)
    migrations = sorted((f for f in files if MIGRATION.match(Path(f).name) and "/db/migration/" in f),
                        key=lambda f: int(MIGRATION.match(Path(f).name).group(1)))
    renumbered = {}
    for old in migrations:
        match = MIGRATION.match(Path(old).name)
        renumbered[f"V{match.group(1)}__{by_name(match.group(2))}"] = f"V{version}__{by_name(match.group(2))}"
        version += 1

    def rename(text: str) -> str:
        text = by_name(text)
        for old, new in renumbered.items():
            text = text.replace(old, new)
        return to_service(text)

    clashes = name_clashes(root, files, rename, target, options, name)
    if clashes:
        raise SystemExit(f"{name} would give classes the names of others they use: {', '.join(clashes)}; pick another name")
    written = []
    for old in files:
        new_path = target / rename(old)
        new_path.parent.mkdir(parents=True, exist_ok=True)
        content = rename((root / old).read_text())
        if old in migrations:
            content = idempotent(content, source.shared_objects)
        new_path.write_text(content)
        written.append(new_path.relative_to(target))
    print(f"unit {name} from {source_name}: {len(written)} files, migrations {', '.join(renumbered.values()) or 'none'}")
    if not update_readme(target, root, options):
        print("README.md has no units blocks: add the unit's row and tour step (units/%s/README.md) yourself" % name)
    print("formatting and exporting the API document (docs/openapi.yaml)")
    generate.format_and_export_api_document(target)
    if test:
        return run_tests(target, options, name)
    print(f"Next: cd {target} && ./mvnw verify, then commit units/{name} and src/*/java/{options.package_path}/{name}")
    return 0


def run_tests(target: Path, options: Options, name: str) -> int:
    pattern = f"{options.package_path}/{name}/**/*Test"
    print(f"running the tests of {name} (./mvnw test -Dtest='{pattern}')")
    result = subprocess.run(
        ["./mvnw", "-B", "test", f"-Dtest={pattern}", "-Dsurefire.failIfNoSpecifiedTests=false"],
        cwd=target, text=True, capture_output=True,
    )
    summary = [line for line in result.stdout.splitlines() if "Tests run:" in line and " in " not in line]
    print(summary[-1].replace("[INFO] ", "").replace("[ERROR] ", "") if summary else result.stdout[-2000:])
    return result.returncode
