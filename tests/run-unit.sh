#!/bin/sh
# Runs every unit test binary and prints one closing "N passed, N failed".
pass=0 fail=0 status=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v -E '^[0-9]+ passed, [0-9]+ failed$'
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "not ok - $t exited $rc without a summary"; fail=$((fail + 1)); status=1
		continue
	fi
	p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
	pass=$((pass + p)); fail=$((fail + f))
	[ "$rc" -eq 0 ] || status=1
done
echo "unit: $pass passed, $fail failed"
exit $status
