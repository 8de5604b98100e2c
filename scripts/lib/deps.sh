# shellcheck shell=bash
# Debian package installation shared by scripts/run, scripts/test and
# scripts/bench.

# shellcheck disable=SC2034  # the lists are used by the sourcing scripts
SL_BUILD_DEPS=(gcc libc6-dev make pkg-config libpcre2-dev libssl-dev
               zlib1g-dev libcrypt-dev ffmpeg)
# shellcheck disable=SC2034
SL_TEST_DEPS=(clang libclang-rt-dev libcunit1-dev valgrind ffmpeg perl curl
              iproute2 procps
              vlc-bin vlc-plugin-base mpv
              gstreamer1.0-tools gstreamer1.0-plugins-base
              gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
              gstreamer1.0-libav)
# shellcheck disable=SC2034  # scripts/bench: the peers of the runs
SL_BENCH_DEPS=(python3 python3-gi gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0
               gstreamer1.0-plugins-base gstreamer1.0-plugins-good
               gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly procps)
# shellcheck disable=SC2034  # scripts/bench --live: icecast2 and probes
SL_BENCH_LIVE_DEPS=(icecast2 curl)

sl_deps_updated=no


# Prints the packages among "$@" that dpkg does not list as installed.
sl_deps_missing() {
    local pkg

    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null \
             | grep -q 'install ok installed'
        then
            echo "$pkg"
        fi
    done
}


# Installs the packages among "$@" that are missing: as root with apt-get
# (one apt-get update per run), otherwise only says what is missing.
sl_deps_install() {
    local missing

    if ! command -v dpkg-query > /dev/null 2>&1; then
        echo "deps: not a Debian system, install by hand: $*" >&2
        return 0
    fi

    missing=$(sl_deps_missing "$@" | sort -u | tr '\n' ' ')
    missing=${missing% }
    [ -n "$missing" ] || return 0

    if [ "$(id -u)" -ne 0 ]; then
        echo "deps: not root, not installing; these may be missing: $missing" >&2
        return 0
    fi

    echo "deps: installing $missing"
    export DEBIAN_FRONTEND=noninteractive
    if [ "$sl_deps_updated" = no ]; then
        apt-get update -q
        sl_deps_updated=yes
    fi
    # shellcheck disable=SC2086  # one word per package
    apt-get install -y -q --no-install-recommends $missing
}


# Installs package $2 when perl cannot load module $1.
sl_deps_install_perl_module() {
    if ! perl -M"$1" -e 1 2>/dev/null; then
        sl_deps_install "$2"
    fi
}
