# A Kubernetes ConfigMap volume, updated the way kubelet's atomic writer does it,
# and the ruleset a rules text gives (source it).
#   kubelet_update DIR TEXT   a new ..TIMESTAMP directory holding rules.conf (TEXT,
#                             printf %b: \n escapes allowed), a ..data_tmp symlink to
#                             it renamed over ..data (rename(2): atomic), rules.conf ->
#                             ..data/rules.conf on the first call, the old directory
#                             removed
#   canon_rules XDPPORT TEXT  what `save` prints for TEXT, from a scratch filter in a
#                             bpffs of its own (the running filter is not touched)
KUBELET_N=0

kubelet_update() {
	local dir=$1 old ts
	KUBELET_N=$((KUBELET_N + 1))
	ts="..2026_12_01_22_00_00.$$_$KUBELET_N"
	old=$(readlink "$dir/..data" 2>/dev/null)
	mkdir "$dir/$ts"
	printf '%b' "$2" >"$dir/$ts/rules.conf"
	ln -s "$ts" "$dir/..data_tmp"
	mv -T "$dir/..data_tmp" "$dir/..data"
	[ -e "$dir/rules.conf" ] || ln -s ..data/rules.conf "$dir/rules.conf"
	[ -z "$old" ] || rm -rf "${dir:?}/$old"
}

canon_rules() {
	printf '%b' "$2" | unshare --mount --propagation private -- bash -c \
		'mount -t bpf bpf /sys/fs/bpf && "$0" --force apply - >/dev/null 2>&1 &&
		 "$0" save | grep -v "^#"' "$1"
}
