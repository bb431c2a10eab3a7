#!/bin/sh
# sctp-e2e.sh — make check entry: test_sctp_e2e inside user-mode Linux.
# The binary is built on the host (in the build dir, the working directory
# of make check) and run in the guest, where kernel SCTP exists.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/uml-run" --timeout 600 -- "$PWD/tests/unit/test_sctp_e2e"
