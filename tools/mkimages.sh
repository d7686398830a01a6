#!/bin/sh
# Generates the assembly table of embedded task images.
# Usage: mkimages.sh BOOT_ELF... [-- EXTRA_ELF...]   (boot tasks first; extras only for execve)
set -eu
boot=1
n=0
names=""
echo '	.section .rodata.task_images, "a"'
for f in "$@"; do
	if [ "$f" = "--" ]; then
		boot=0
		continue
	fi
	[ -f "$f" ] || { echo "mkimages: no such task image: $f" >&2; exit 1; }
	name=$(basename "$f")
	echo "	.balign 4096"
	echo "image_$n:"
	echo "	.incbin \"$f\""
	echo "image_${n}_end:"
	names="$names $n:$boot:$name"
	n=$((n + 1))
done
echo '	.section .rodata, "a"'
echo '	.balign 8'
echo '	.globl task_images, task_images_count'
echo 'task_images_count:'
echo "	.quad $n"
echo 'task_images:'
for e in $names; do
	i=${e%%:*}
	rest=${e#*:}
	b=${rest%%:*}
	echo "	.quad name_$i, image_$i, image_${i}_end - image_$i, $b"
done
for e in $names; do
	i=${e%%:*}
	name=${e##*:}
	echo "name_$i:"
	echo "	.asciz \"$name\""
done
