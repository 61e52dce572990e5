"""The units of a template checkout or a generated service: units/<name>/ and the Java packages named after them."""

import re
from dataclasses import dataclass, field
from pathlib import Path

JAVA_ROOTS = ("src/main/java", "src/test/java", "src/main/resources", "src/test/resources")


def read_properties(path: Path) -> dict:
    """A Java .properties file with one key=value per line and # comments (all that unit and metadata files use)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


@dataclass
class Unit:
    name: str
    kind: str
    package: str
    plural: str
    singular: str
    order: int
    terms: list = field(default_factory=list)
    title: str = ""
    strategy: str = ""
    summary: str = ""
    tour: str = ""
    has_seed: bool = False
    root: str = ""
    renames: list = field(default_factory=list)
    shared_objects: list = field(default_factory=list)

    @property
    def is_example(self) -> bool:
        return self.kind == "example"

    def directory(self) -> str:
        return f"units/{self.name}"

    def package_dirs(self, package_path: str) -> list:
        """Its Java packages (code, tests, resources next to its classes) under the service's package path."""
        return [f"{root}/{package_path}/{self.package}" for root in JAVA_ROOTS]

    def demo_dirs(self, package_path: str) -> list:
        """Its demo subpackage: it implements the showcase's demo interface, so it comes along only with the showcase."""
        return [f"{d}/demo" for d in self.package_dirs(package_path)]


def load_units(root: Path) -> dict:
    """Every unit under root/units, by name."""
    units = {}
    for properties in sorted(root.glob("units/*/unit.properties")):
        values = read_properties(properties)
        name = properties.parent.name
        unit = Unit(
            name=name,
            kind=values.get("kind", "example"),
            package=values.get("package", name),
            plural=values.get("plural", name),
            singular=values.get("singular", name),
            order=int(values.get("order", "50")),
            terms=[t for t in values.get("terms", "").split(",") if t],
            root=str(properties.parent),
            renames=[tuple(p.strip() for p in r.split("->")) for r in values.get("renames", "").split(",") if r.strip()],
            shared_objects=[o.strip() for o in values.get("shared-objects", "").split(",") if o.strip()],
        )
        unit.has_seed = (properties.parent / "seed.sql").exists()
        readme = properties.parent / "README.md"
        if readme.exists():
            read_page(unit, readme.read_text())
        units[name] = unit
    return units


def read_page(unit: Unit, text: str):
    """Title, strategy, summary (the first paragraph) and tour step (between the tour markers) of a unit's README."""
    lines = text.splitlines()
    heading = next((line for line in lines if line.startswith("# ")), "# " + unit.name)
    title, _, strategy = heading[2:].partition(" — ")
    unit.title, unit.strategy = title.strip(), strategy.strip()
    after = text.split(heading, 1)[1].strip()
    unit.summary = re.split(r"\n\s*\n", after, 1)[0].replace("\n", " ").strip()
    tour = re.search(r"<!-- tour -->\n(.*?)<!-- /tour -->", text, re.S)
    unit.tour = tour.group(1) if tour else ""


def ordered(units) -> list:
    return sorted(units, key=lambda u: (u.order, u.name))
