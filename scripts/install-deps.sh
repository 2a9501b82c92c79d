#!/bin/sh
# install-deps.sh: make sure the build and test dependencies are present.
# Silent when everything is there.  As root, installs what is missing with
# apt-get; otherwise prints what to install and exits 1.

missing=

need () {	# need DEBIAN-PACKAGE
	case " $missing " in
	*" $1 "*) ;;
	*) missing="$missing${missing:+ }$1" ;;
	esac
}

if command -v pkg-config >/dev/null 2>&1; then
	for lib in sqlite3:libsqlite3-dev libb2:libb2-dev jansson:libjansson-dev \
		uuid:uuid-dev cmocka:libcmocka-dev; do
		pkg-config --exists "${lib%%:*}" || need "${lib#*:}"
	done
else
	need pkg-config
	need libsqlite3-dev
	need libb2-dev
	need libjansson-dev
	need uuid-dev
	need libcmocka-dev
fi

for cmd in prove:perl mandoc:mandoc b2sum:coreutils cc:gcc pkg-config:pkg-config make:make; do
	command -v "${cmd%%:*}" >/dev/null 2>&1 || need "${cmd#*:}"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "install-deps.sh: installing $missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || exit 1
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing >&2 || exit 1
	exit 0
fi

echo "install-deps.sh: missing dependencies; install them with:" >&2
echo "    sudo apt-get install $missing" >&2
exit 1
