# lib-bins.sh — which build of a program runs inside user-mode Linux (sourced).
#
# A sanitizer build makes UBSan-only copies of the programs the daemon
# tier runs in UML under tests/uml/bin/ (tests/uml/uml.am): ASan cannot
# run there (configure.ac).  The working directory is the build dir.
#
#   uml_bin PATH        print the program to run for build path PATH
#                       (e.g. tests/integration/rdmatest): its copy
#                       tests/uml/bin/NAME when built, else PATH itself
#   uml_bins_ok FILE... on the host: each FILE exists and carries no
#                       ASan; else prints why and returns 99 (hard error)

uml_bin() {
	local b=$PWD/tests/uml/bin/${1##*/}
	[ -x "$b" ] || b=$PWD/$1
	echo "$b"
}

# uml_asan FILE: FILE (or, for a libtool wrapper, the program in .libs
# it runs) is built with ASan.
uml_asan() {
	local f=$1 d n
	if head -c 512 "$f" 2>/dev/null | grep -qa 'libtool'; then
		d=$(dirname "$f")/.libs
		n=$(basename "$f")
		for f in "$d/lt-$n" "$d/$n"; do
			[ -f "$f" ] && break
		done
	fi
	grep -qa __asan_init "$f"
}

uml_bins_ok() {
	local b
	for b in "$@"; do
		if [ ! -x "$b" ]; then
			echo "ERROR: $b is not built (make check builds it)"
			return 99
		fi
		if uml_asan "$b"; then
			echo "ERROR: $b is built with ASan, which cannot run in" \
			    "UML; a sanitizer build must run the UBSan-only" \
			    "tests/uml/bin/${b##*/} (tests/uml/uml.am)"
			return 99
		fi
	done
	return 0
}
