#!/usr/bin/env bash
# Makes a Debian base image under the name a Dockerfile's FROM gives (docker.io/library/debian:<suite>[-slim]) when
# podman has no image of that name, from Debian's own packages: no registry is needed. The image stays in podman's
# storage, so the next run on this machine finds it; a fresh machine makes it once (about 30 s).
#
# Usage: deploy/podman/make-base.sh DOCKERFILE     (prints the base image's name on its last line)
# Env:   CONTAINERS_CONF (deploy/podman/containers.conf), REMAKE_BASE=1 makes it again even when present.
#
# What it makes is what the official debian:<suite>-slim is made of: `debootstrap --variant=minbase` of the suite from
# the Debian mirror apt uses on this machine, with the slim variant's dpkg filters (no documentation, manual pages or
# translations) and apt's "keep no package cache" settings, imported with `podman import`.
set -euo pipefail

dockerfile=${1:?usage: make-base.sh DOCKERFILE}
base=$(awk 'toupper($1) == "FROM" { print $2; exit }' "$dockerfile")
log() { echo "make-base: $*" >&2; }

if [[ ! $base =~ ^(docker\.io/)?(library/)?debian:([a-z]+)(-slim)?$ ]]; then
  log "$dockerfile starts FROM $base: only a Debian base (debian:<suite>[-slim]) can be made here"
  exit 1
fi
suite=${BASH_REMATCH[3]}
slim=${BASH_REMATCH[4]}

if [ "${REMAKE_BASE:-0}" != 1 ] && podman image exists "$base"; then
  log "$base is in podman's storage ($(podman image inspect --format '{{.Created}}' "$base" | cut -c1-19))"
  echo "$base"
  exit 0
fi

# The mirrors this machine's apt uses (any sources format), for the suite the Dockerfile names.
mirror="" security=""
while read -r uri release; do
  case $release in
    *-security) security=${security:-${uri%/}} ;;
    *-updates | *-backports | *-proposed-updates) ;;
    *) mirror=${mirror:-${uri%/}} ;;
  esac
done < <(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' 2>/dev/null | sort -u)
mirror=${mirror:-http://deb.debian.org/debian}

previous=$(podman image inspect --format '{{.Id}}' "$base" 2>/dev/null || true)
started=$(date +%s)
rootfs=$(mktemp -d /var/tmp/make-base.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
log "debootstrap --variant=minbase $suite from $mirror"
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
  || { tail -20 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"

# The same sources as the official image: the suite, its updates and its security updates.
{
  echo "Types: deb"
  echo "URIs: $mirror"
  echo "Suites: $suite $suite-updates"
  echo "Components: main"
  echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  if [ -n "$security" ]; then
    echo
    echo "Types: deb"
    echo "URIs: $security"
    echo "Suites: $suite-security"
    echo "Components: main"
    echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  fi
} >"$rootfs/etc/apt/sources.list.d/debian.sources"
rm -f "$rootfs/etc/apt/sources.list"

# No package cache in any layer built on it (apt's files of the official images).
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
if [ -n "$slim" ]; then
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/info/*
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/groff/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/{info,man,groff,linda,lintian}/* "$rootfs/usr/share/locale"/*/
fi
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
  "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/*

tar --numeric-owner -C "$rootfs" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  --message "debootstrap --variant=minbase $suite ${mirror}${slim:+ (slim)}" \
  --quiet - "$base" >/dev/null
# The image this one replaces goes once nothing built on it is left (deploy/image-test.sh removes the images it replaces).
[ -z "$previous" ] || podman rmi "$previous" >/dev/null 2>&1 || true
log "made $base in $(($(date +%s) - started)) s ($(podman image inspect --format '{{.Size}}' "$base" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
echo "$base"
