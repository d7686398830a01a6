#!/bin/sh
# Generates the firmware's symbol table (assembly) from `nm` output of a linked image.
# Usage: ksyms.sh NM IMAGE > ksyms.S   (IMAGE "-" for an empty table)
set -eu
nm=$1
image=$2
{
	if [ "$image" != "-" ]; then
		"$nm" -n "$image" | awk '$2 ~ /^[tT]$/ && $3 !~ /^\./ { print $1, $3 }'
	fi
} | awk 'BEGIN { n = 0 }
{
	addr[n] = $1; name[n] = $2; n++
}
END {
	print "\t.section .rodata.ksyms, \"a\""
	print "\t.balign 8"
	print "\t.globl ksyms_count, ksyms_addrs, ksyms_names, ksyms_strings"
	print "ksyms_count:\n\t.quad " n
	print "ksyms_addrs:"
	for (i = 0; i < n; i++)
		printf "\t.quad 0x%s\n", addr[i]
	print "ksyms_names:"
	off = 0
	for (i = 0; i < n; i++) {
		printf "\t.long %d\n", off
		off += length(name[i]) + 1
	}
	print "ksyms_strings:"
	for (i = 0; i < n; i++)
		printf "\t.asciz \"%s\"\n", name[i]
}'
