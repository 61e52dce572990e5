"""Brings a newer template into a generated service as a three-way merge, the way cruft and copier do it with git.

The service's branch `template` holds the service exactly as the template generated it (new-service.sh made it with
the first commit). An upgrade generates the service again from this checkout with the recorded options, commits that
on `template`, and merges `template` into the current branch: git's merge base is the previous generation, so the
team's changes are kept, the template's changes arrive, and where both changed the same lines git leaves conflicts.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

import generate
from generate import METADATA, Options, git_identity, run

BRANCH = "template"


def git(target: Path, *arguments, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", *arguments], cwd=target, text=True, capture_output=True)
    if check and result.returncode != 0:
        raise SystemExit(f"git {' '.join(arguments)} failed in {target}:\n{result.stdout}{result.stderr}")
    return result


def ensure_base(target: Path):
    """The `template` branch, from the remote's when only that exists, or from the service's first commit."""
    if git(target, "rev-parse", "--verify", "-q", f"refs/heads/{BRANCH}", check=False).returncode == 0:
        return
    for remote in git(target, "for-each-ref", "--format=%(refname:short)", f"refs/remotes/*/{BRANCH}").stdout.split():
        git(target, "branch", BRANCH, remote)
        print(f"branch {BRANCH} made from {remote}")
        return
    first = git(target, "rev-list", "--max-parents=0", "HEAD").stdout.split()
    if len(first) == 1 and git(target, "log", "-1", "--format=%s", first[0]).stdout.startswith("New service "):
        git(target, "branch", BRANCH, first[0])
        print(f"branch {BRANCH} made from the service's first commit {first[0][:8]}")
        return
    raise SystemExit(
        f"{target} has no branch '{BRANCH}' (the service as the template generated it) and its first commit is not"
        " the generated one: fetch the branch from where the service was first pushed"
    )


def replace_tree(worktree: Path, generation: Path):
    """The worktree's files become the new generation's (tracked files only: no build output)."""
    for name in git(worktree, "ls-files", "-z").stdout.split("\0"):
        if name:
            (worktree / name).unlink(missing_ok=True)
    for name in git(generation, "ls-files", "-z").stdout.split("\0"):
        if name:
            destination = worktree / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(generation / name, destination)
    git(worktree, "add", "-A")


def upgrade(root: Path, target: Path) -> int:
    target = target.resolve()
    metadata = target / METADATA
    if not metadata.exists():
        raise SystemExit(f"{target} has no {METADATA}: it was not made by scripts/new-service.sh")
    if git(target, "status", "--porcelain").stdout.strip():
        raise SystemExit(f"{target} has uncommitted changes: commit or stash them first")
    options = Options.read(metadata)
    ensure_base(target)
    _, describe = generate.template_version(root)
    with tempfile.TemporaryDirectory(prefix="upgrade-") as scratch:
        generation = Path(scratch) / options.artifact
        print(f"generating {options.artifact} from the template {describe} ({options.properties().strip().replace(chr(10), ', ')})")
        generate.generate(root, generation, options)
        worktree = Path(scratch) / "template-branch"
        git(target, "worktree", "add", "-q", str(worktree), BRANCH)
        try:
            replace_tree(worktree, generation)
            if not git(worktree, "status", "--porcelain").stdout.strip():
                print(f"{target} is already on the template {describe}: nothing to merge")
                return 0
            run("git", *git_identity(), "commit", "-q", "-m", f"Template {describe}", cwd=worktree)
        finally:
            git(target, "worktree", "remove", "--force", str(worktree))
    changed = git(target, "diff", "--stat", f"{BRANCH}~1", BRANCH).stdout.strip().splitlines()
    print(f"the template's changes since the last generation: {changed[-1] if changed else 'none'}")
    merge = git(
        target, *git_identity(), "merge", "--no-ff", "-m", f"Upgrade to the cache-patterns template {describe}", BRANCH,
        check=False,
    )
    conflicts = git(target, "diff", "--name-only", "--diff-filter=U").stdout.split()
    if merge.returncode != 0:
        if not conflicts:
            raise SystemExit(merge.stdout + merge.stderr)
        print(f"CONFLICTS in {len(conflicts)} file(s), where the service and the template changed the same lines:")
        for name in conflicts:
            print(f"  {name}")
        print("Resolve them (the markers show yours and the template's), then `git add` them and `git commit`;")
        print("or `git merge --abort` to leave the service as it was.")
        return 1
    print(git(target, "log", "-1", "--format=merged: %h %s").stdout.strip())
    print(git(target, "diff", "--stat", "HEAD~1", "HEAD").stdout.rstrip())
    # The API document merged line by line is the service's only if it is what the merged code serves.
    generate.format_and_export_api_document(target)
    if git(target, "status", "--porcelain").stdout.strip():
        git(target, "add", "-A")
        run("git", *git_identity(), "commit", "-q", "-m", "docs/openapi.yaml (and formatting) as the upgraded service serves it", cwd=target)
        print(git(target, "log", "-1", "--format=then: %h %s").stdout.strip())
    return 0
