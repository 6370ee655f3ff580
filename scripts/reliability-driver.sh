# Sourced by stress.sh, crash.sh and resource.sh: builds the reliability driver (release) and sets $driver.
# RELIABILITY_SCRATCH chooses the build folder (default .build-rel).
export PATH=$PATH:/opt/swift/usr/bin
scratch=${RELIABILITY_SCRATCH:-.build-rel}
swift build -c release --scratch-path "$scratch" --product reliability-driver 2>&1 | tail -n 1
driver=$scratch/release/reliability-driver
[ -x "$driver" ] || { echo "the reliability driver did not build" >&2; exit 1; }
