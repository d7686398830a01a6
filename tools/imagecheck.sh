#!/bin/sh
# Checks that a linked image fits what the boot page tables map, and when it does not, says
# by how much and which embedded tasks take the room.
# Usage: imagecheck.sh NM IMAGE TASK_ELF...
set -eu
nm=$1
image=$2
shift 2
# the low 32 bits of a symbol's value: the image lies within 4 GiB of its start, and the
# shell's arithmetic is signed 64-bit, too small for upper-half addresses
sym() { "$nm" "$image" | awk -v s="$1" '$3 == s { print substr($1, 9) }'; }
start=$(sym _start_image)
end=$(sym _end)
max=$(sym _image_max)
size=$((0x$end - 0x$start))
limit=$((0x$max))
[ "$size" -le "$limit" ] && exit 0
kib() { echo "$(( ($1 + 1023) / 1024 )) KiB"; }
echo "faultline: $(basename "$image" .pass1) would be $(kib "$size"), over the $(kib "$limit") the boot page tables map." >&2
if [ $# -gt 0 ]; then
	total=0
	for f in "$@"; do total=$((total + $(stat -c %s "$f"))); done
	echo "  its $# task images take $(kib "$total"); the largest:" >&2
	for f in "$@"; do echo "$(stat -c %s "$f") $f"; done | sort -rn | head -3 |
		while read -r n f; do echo "    $(basename "$f") $(kib "$n")" >&2; done
	echo "  Boot fewer or smaller tasks (make TASKS=...)." >&2
fi
exit 1
