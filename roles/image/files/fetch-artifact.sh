#!/bin/sh
# Runs in the image's fetch stage. Downloads one artifact, verifies it, and installs its binary into
# /out/bin. Nothing unverified reaches /out.
#
#   fetch-artifact.sh setup
#   fetch-artifact.sh npm NAME PACKAGE VERSION MEMBER INTEGRITY
#   fetch-artifact.sh release NAME URL CHECKSUM_URL MEMBER CHECKSUM_FIELD
#
# CIAB_DOWNLOAD_MIRROR, when set, redirects every release download: https://host/path is fetched from
# $CIAB_DOWNLOAD_MIRROR/host/path (the checksum file too, so the mirror must carry upstream's files as
# they are). CIAB_NPM_REGISTRY replaces the npm registry. /opt/ciab/extra-ca.pem, when not empty, is
# trusted for every https fetch.
set -eu

out=${CIAB_OUT_DIR:-/out/bin}
ca=${CIAB_EXTRA_CA:-/opt/ciab/extra-ca.pem}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "fetch-artifact: $*" >&2; exit 1; }

fetch() {
  echo "fetch-artifact: GET $1" >&2
  curl --fail --silent --show-error --location --retry 3 --retry-connrefused --output "$2" "$1" \
    || fail "download failed: $1"
}

mirrored() {
  if [ -n "${CIAB_DOWNLOAD_MIRROR:-}" ]; then
    printf '%s/%s\n' "${CIAB_DOWNLOAD_MIRROR%/}" "${1#*://}"
  else
    printf '%s\n' "$1"
  fi
}

case "${1:-}" in
  setup)
    if [ -s "$ca" ]; then
      # apt may fetch over https from an enterprise mirror before ca-certificates is even installed.
      echo "Acquire::https::CaInfo \"$ca\";" >/etc/apt/apt.conf.d/99ciab-extra-ca
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends ca-certificates curl openssl tar gzip >/dev/null
    rm -rf /var/lib/apt/lists/*
    if [ -s "$ca" ]; then
      cp "$ca" /usr/local/share/ca-certificates/ciab-extra-ca.crt
      update-ca-certificates >/dev/null
    fi
    mkdir -p "$out"
    ;;
  npm)
    name=$2 package=$3 version=$4 member=$5 integrity=$6
    registry=${CIAB_NPM_REGISTRY:-https://registry.npmjs.org}
    base=${package##*/}
    fetch "${registry%/}/$package/-/$base-$version.tgz" "$work/pkg.tgz"
    algo=${integrity%%-*}
    [ "$algo" = sha512 ] || fail "$name: only sha512 integrity is accepted, got '$algo'"
    actual="sha512-$(openssl dgst -sha512 -binary "$work/pkg.tgz" | base64 -w0)"
    [ "$actual" = "$integrity" ] || fail "$name: integrity mismatch for $package@$version: expected $integrity, got $actual"
    tar -xzf "$work/pkg.tgz" -C "$work" "$member" || fail "$name: $member not found in $package@$version"
    install -m 0755 "$work/$member" "$out/$name"
    echo "fetch-artifact: $name $version verified ($algo) and installed" >&2
    ;;
  release)
    name=$2 url=$3 checksum_url=$4 member=$5 field=$6
    file=${url##*/}
    fetch "$(mirrored "$url")" "$work/$file"
    fetch "$(mirrored "$checksum_url")" "$work/checksums"
    if [ -n "$field" ]; then
      # one line per file, several hashes per line; the column is given by the manifest
      expected=$(awk -v f="$file" -v c="$field" '$1 == f { print $c; exit }' "$work/checksums")
    elif [ "$(wc -w <"$work/checksums")" -eq 1 ]; then
      expected=$(tr -d ' \n' <"$work/checksums")
    else
      expected=$(awk -v f="$file" '{ n = $2; sub(/^[*]/, "", n); sub(/^\.\//, "", n); if (n == f) { print $1; exit } }' "$work/checksums")
    fi
    printf '%s' "$expected" | grep -Eq '^[0-9a-f]{64}$' \
      || fail "$name: no sha256 for $file in $(mirrored "$checksum_url")"
    echo "$expected  $work/$file" | sha256sum -c --quiet - || fail "$name: sha256 mismatch for $file"
    if [ -n "$member" ]; then
      tar -xzf "$work/$file" -C "$work" "$member" || fail "$name: $member not found in $file"
      install -m 0755 "$work/$member" "$out/$name"
    else
      install -m 0755 "$work/$file" "$out/$name"
    fi
    echo "fetch-artifact: $name verified (sha256 $expected) and installed" >&2
    ;;
  *)
    fail "usage: fetch-artifact.sh setup | npm NAME PACKAGE VERSION MEMBER INTEGRITY | release NAME URL CHECKSUM_URL MEMBER FIELD"
    ;;
esac
