#!/usr/bin/env bash
# Build a KIND node image without any registry: systemd + containerd + kubeadm/kubelet on the given base image,
# with every image the cluster needs (control plane, etcd, CoreDNS, pause, kube-proxy, storage provisioner)
# built from the given binaries and preloaded into the node's containerd.
#
# Usage: build.sh --components DIR --base IMAGE [--repository NAME] [--check]
#   DIR holds the static linux/amd64 binaries components.yml lists (kubeadm, kubelet, kube-apiserver, etcd,
#   CoreDNS, ...), from a Kubernetes release mirror, or compiled from their Go modules with `make node-components`.
# The tag is <repository>:<kubernetes version>-<recipe id>, the id hashing this recipe, the binaries and the base
# image, so an unchanged input reuses the image. Progress goes to stderr; the last stdout line is
# "image=<ref> result=cached|built|would-build".
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
COMPONENTS="" BASE="" REPOSITORY=ciab/kind-node CHECK=0
WORK_ROOT=${CIAB_CACHE:-$HOME/.cache/ciab}/build
# The binaries, from components.yml (the one list; each entry on one line: "binaries: [a, b]")
mapfile -t REQUIRED < <(sed -n 's/.*binaries: \[\([^]]*\)\].*/\1/p' "$HERE/components.yml" | tr ',' '\n' | tr -d ' ')
NODE_BINARIES=(kubeadm kubelet kubectl crictl)

say() { printf '[node-image %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
[ ${#REQUIRED[@]} -gt 0 ] || die "$HERE/components.yml lists no binaries"

while [ $# -gt 0 ]; do
  case "$1" in
    --components) COMPONENTS=${2:?--components needs a directory}; shift 2 ;;
    --base) BASE=${2:?--base needs an image}; shift 2 ;;
    --repository) REPOSITORY=${2:?--repository needs a name}; shift 2 ;;
    --components=*) COMPONENTS=${1#*=}; shift ;;
    --base=*) BASE=${1#*=}; shift ;;
    --repository=*) REPOSITORY=${1#*=}; shift ;;
    --check) CHECK=1; shift ;;
    *) die "unknown argument '$1' (valid: --components DIR --base IMAGE [--repository NAME] [--check])" ;;
  esac
done
{ [ -n "$COMPONENTS" ] && [ -n "$BASE" ]; } || die "--components DIR and --base IMAGE are required"
[ -d "$COMPONENTS" ] || die "components directory '$COMPONENTS' does not exist"

missing=()
for b in "${REQUIRED[@]}"; do [ -x "$COMPONENTS/$b" ] || missing+=("$b"); done
[ ${#missing[@]} -eq 0 ] || die "'$COMPONENTS' lacks executable ${missing[*]} (needs: ${REQUIRED[*]})"
docker image inspect "$BASE" >/dev/null 2>&1 \
  || die "base image '$BASE' is not here: build the offline base (image role, image_base_offline) or load one"

kube_version=$("$COMPONENTS/kubeadm" version -o short)
recipe=$({
  (cd "$HERE" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  for b in "${REQUIRED[@]}"; do sha256sum <"$COMPONENTS/$b"; done
  docker image inspect -f '{{.Id}}' "$BASE"
} | sha256sum | cut -c1-12)
ref="$REPOSITORY:$kube_version-$recipe"

if docker image inspect "$ref" >/dev/null 2>&1; then
  say "$ref is already built"
  echo "image=$ref result=cached"
  exit 0
fi
if [ "$CHECK" = 1 ]; then
  echo "image=$ref result=would-build"
  exit 0
fi

work="$WORK_ROOT/kind-node-$kube_version-$recipe"
rm -rf "$work"
mkdir -p "$work/context/bin"
trap 'rm -rf "$work"' EXIT

# Run a command with its output kept aside (the legacy builder's deprecation notice on every build is noise);
# shown when it fails.
quiet() {
  "$@" >"$work/command.log" 2>&1 || { cat "$work/command.log" >&2; die "failed: $*"; }
}

# $1 dockerfile, $2 tag, $3.. binaries for the context; BASE_IMAGE and BINARY (first binary) are passed.
build_component() {
  local dockerfile=$1 tag=$2 dir
  shift 2
  dir="$work/$(echo "$tag" | tr '/:' '__')"
  mkdir -p "$dir"
  for b in "$@"; do cp "$COMPONENTS/$b" "$dir/"; done
  say "image $tag"
  quiet docker build -q -f "$HERE/images/$dockerfile" --build-arg "BASE_IMAGE=$BASE" --build-arg "BINARY=${1:-}" \
    --label "org.opencontainers.image.source=ciab.claude_in_a_box kind_cluster node_image" -t "$tag" "$dir"
  images+=("$tag")
}

# Same version as the image kubeadm names, or the node would run something else than its tag says.
expect_version() {
  local what=$1 want=$2 got=$3
  case "$got" in *"$want"*) ;; *) die "kubeadm $kube_version expects $what $want, but '$COMPONENTS/$what' says: $got" ;; esac
}

images=()
pause_image=""
say "building $ref: Kubernetes $kube_version on $BASE"
while read -r image; do
  name=${image##*/} tag=${image##*:}
  name=${name%%:*}
  case "$name" in
    kube-apiserver | kube-controller-manager | kube-scheduler)
      expect_version "$name" "$kube_version" "$("$COMPONENTS/$name" --version 2>&1)"
      build_component scratch-binary.Dockerfile "$image" "$name" ;;
    kube-proxy)
      expect_version "$name" "$kube_version" "$("$COMPONENTS/$name" --version 2>&1)"
      build_component kube-proxy.Dockerfile "$image" kube-proxy ;;
    etcd)
      expect_version etcd "etcd Version: ${tag%-*}" "$("$COMPONENTS/etcd" --version 2>&1)"
      build_component scratch-binary.Dockerfile "$image" etcd ;;
    coredns)
      expect_version coredns "CoreDNS-${tag#v}" "$("$COMPONENTS/coredns" -version 2>&1)"
      build_component coredns.Dockerfile "$image" coredns ;;
    pause)
      pause_image=$image
      build_component pause.Dockerfile "$image" ;;
    *) die "kubeadm $kube_version asks for $image, which this recipe does not know how to build" ;;
  esac
done < <("$COMPONENTS/kubeadm" config images list --kubernetes-version "$kube_version")

lpp_version=$("$COMPONENTS/local-path-provisioner" --version 2>&1 | awk '{print $NF}')
provisioner_image="ciab/local-path-provisioner:$lpp_version"
build_component scratch-binary.Dockerfile "$provisioner_image" local-path-provisioner
router_version=$("$COMPONENTS/kube-router" --version 2>&1 | sed -n 's/.*\(v[0-9][0-9.]*\).*/\1/p' | head -n 1)
[ -n "$router_version" ] || die "'$COMPONENTS/kube-router --version' prints no version"
router_image="ciab/kube-router:$router_version"
build_component kube-router.Dockerfile "$router_image" kube-router
images+=("$BASE")

say "saving ${#images[@]} images for the node's containerd"
docker save -o "$work/context/images.tar" "${images[@]}"
cp -R "$HERE/rootfs" "$HERE/Dockerfile" "$work/context/"
for b in "${NODE_BINARIES[@]}"; do cp "$COMPONENTS/$b" "$work/context/bin/"; done

say "building the node image (systemd, containerd, preload of $(du -sh "$work/context/images.tar" | cut -f1))"
quiet docker build -q \
  --build-arg "BASE_IMAGE=$BASE" --build-arg "KUBE_VERSION=$kube_version" --build-arg "PAUSE_IMAGE=$pause_image" \
  --build-arg "PROVISIONER_IMAGE=$provisioner_image" --build-arg "HELPER_IMAGE=$BASE" \
  --build-arg "KUBE_ROUTER_IMAGE=$router_image" \
  --label "org.opencontainers.image.version=$kube_version" \
  --label "org.opencontainers.image.source=ciab.claude_in_a_box kind_cluster node_image" \
  --label "io.ciab.node-image.recipe=$recipe" \
  --label "io.ciab.node-image.preloaded=${images[*]}" \
  -t "$ref" "$work/context"
say "built $ref ($(docker image inspect -f '{{.Size}}' "$ref" | awk '{printf "%d MiB", $1 / 1048576}'))"
echo "image=$ref result=built"
