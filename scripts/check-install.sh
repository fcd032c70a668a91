#!/usr/bin/env bash
# The packed tarball installed globally, as a user gets it: `npm pack` (prepack builds a clean dist/),
# `npm install -g` of the tarball into a temporary prefix, then the CLI from a scratch directory outside
# the clone. Needs the npm registry for the dependencies' metadata (--prefer-offline takes their tarballs
# from npm's cache when they are there). test/install.test.ts checks the same layout offline, in npm test.
#   bash scripts/check-install.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
tarball=$(npm pack --pack-destination "$work" --silent | tail -n 1)
echo "packed $tarball ($(du -k "$work/$tarball" | cut -f1) KiB)"
npm install -g --prefer-offline --no-audit --no-fund --prefix "$work/prefix" "$work/$tarball" >/dev/null
export PATH="$work/prefix/bin:$PATH"
echo "installed: $(command -v kylinx-sh)"

mkdir "$work/scratch"
cd "$work/scratch"
check() {
  echo "\$ $*"
  if ! out=$("$@" 2>&1); then
    echo "$out"
    echo "FAILED: $*"
    exit 1
  fi
  echo "$out" | tail -n 2
}
check kylinx-sh -c "fork web 4"
check kylinx-sh examples/fork-cow.kx
check kylinx-sh demo fork-cow
check kylinx-sh demo
check kylinx-sh --host examples/hosts/one-pcpu.cfg -c list
replay=$(kylinx-sh quiz sched -c | sed -n 's/^Replay it yourself: //p')
[ -n "$replay" ] || { echo "FAILED: quiz sched -c printed no replay line"; exit 1; }
echo "\$ $replay"
eval "$replay" | tail -n 2
echo "every command ran from $work/scratch with the installed kylinx-sh"
