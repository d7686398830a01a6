/* Flattened devicetree parser: validates the whole blob once, then reads memory, reservations,
 * harts, timebase and the console UART out of it. No libc, no static data, no pointers stored
 * in data: it runs before the MMU is on, away from its link address. */
#include "platform/fdt.h"
#include "platform/errno.h"
#include "platform/types.h"

#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP	       4u
#define FDT_END	       9u

#define FDT_HDR_SIZE  40u /* version 17; version 16 only lacks size_dt_struct */
#define FDT_RSV_ENTRY 16u /* (address, size): two big-endian u64 */
#define FDT_MAX_DEPTH 32  /* deeper nesting is refused, so a path's node chain fits the stack */
#define FDT_MAX_CELLS 4u  /* #address-cells / #size-cells above this are nonsense */

/* Header field offsets. */
enum {
	HDR_MAGIC = 0,
	HDR_TOTALSIZE = 4,
	HDR_OFF_STRUCT = 8,
	HDR_OFF_STRINGS = 12,
	HDR_OFF_RSVMAP = 16,
	HDR_VERSION = 20,
	HDR_LAST_COMP = 24,
	HDR_SIZE_STRINGS = 32,
	HDR_SIZE_STRUCT = 36
};

/* The validated layout: every later read stays inside these blocks. */
struct fdt {
	const uint8_t *base;
	uint32_t size; /* totalsize, already checked against maxlen */
	const uint8_t *st;
	uint32_t st_size;
	const char *strs;
	uint32_t strs_size;
	uint32_t rsvmap; /* offset of the memory reservation block */
};

struct prop {
	const uint8_t *val;
	uint32_t len;
};

/* One decoded structure-block token. */
struct token {
	uint32_t tag;
	uint32_t next;	  /* offset of the token that follows */
	const char *name; /* node or property name, NUL-terminated inside its block */
	struct prop p;	  /* property value */
};

struct cells {
	uint32_t ac, sc;
};

/* Byte by byte: the blob may sit at any alignment, and the CPU may trap on misaligned loads. */
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* @n cells (n <= FDT_MAX_CELLS); wider values keep their low 64 bits, as PCI's flags cell. */
static uint64_t read_cells(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

static uint32_t str_len(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* Index of the first @c in s[from, n), or @n when there is none. */
static uint32_t find_char(const char *s, uint32_t from, uint32_t n, char c)
{
	while (from < n && s[from] != c)
		from++;
	return from;
}

/* Whether the @n bytes at @s are exactly the string @lit. */
static bool mem_is(const char *s, uint32_t n, const char *lit)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!lit[i] || s[i] != lit[i])
			return false;
	return !lit[n];
}

/* ISA extension name, any case, version suffix allowed ("Sstc1p0"); @lit is lowercase a-z. */
static bool ext_is(const char *s, uint32_t n, const char *lit)
{
	uint32_t i;

	for (i = 0; lit[i]; i++)
		if (i >= n || (s[i] | 0x20) != lit[i])
			return false;
	return i == n || (s[i] >= '0' && s[i] <= '9');
}

/* Appends s[0, n) to @out at *@pos, truncating so that a NUL always fits in FDT_NAME_LEN. */
static void append_n(char *out, uint32_t size, uint32_t *pos, const char *s, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n && *pos < size - 1; i++)
		out[(*pos)++] = s[i];
	out[*pos] = '\0';
}

static void append(char *out, uint32_t *pos, const char *s, uint32_t n)
{
	append_n(out, FDT_NAME_LEN, pos, s, n);
}

/* Next string of a string-list value; false at its end or at an unterminated tail. */
static bool next_str(const struct prop *pr, uint32_t *pos, const char **s, uint32_t *n)
{
	uint32_t end = find_char((const char *)pr->val, *pos, pr->len, '\0');

	if (end >= pr->len)
		return false;
	*s = (const char *)pr->val + *pos;
	*n = end - *pos;
	*pos = end + 1;
	return true;
}

/* Whether the first string of @pr (or, with @any, any of its strings) is @lit. */
static bool has_str(const struct prop *pr, const char *lit, bool any)
{
	uint32_t pos = 0, n;
	const char *s;

	while (next_str(pr, &pos, &s, &n)) {
		if (mem_is(s, n, lit))
			return true;
		if (!any)
			break;
	}
	return false;
}

/* A 1- or 2-cell number; other lengths count as absent. */
static bool read_uint(const struct prop *pr, uint64_t *v)
{
	if (pr->len != 4 && pr->len != 8)
		return false;
	*v = read_cells(pr->val, pr->len / 4);
	return true;
}

static bool block_ok(uint32_t off, uint32_t size, uint32_t total)
{
	return off >= FDT_HDR_SIZE && off <= total && size <= total - off;
}

/* Nothing past the first 8 bytes is read before totalsize is known to fit @maxlen. */
static const char *check_header(const uint8_t *b, size_t maxlen, struct fdt *f)
{
	uint32_t off_st, off_strs;

	if (!b || maxlen < 4)
		return "truncated header";
	if (be32(b + HDR_MAGIC) != FDT_MAGIC)
		return "bad magic";
	f->size = maxlen >= 8 ? be32(b + HDR_TOTALSIZE) : 0;
	if (maxlen < 8 || f->size < FDT_HDR_SIZE)
		return maxlen < 8 ? "truncated header" : "totalsize smaller than the header";
	if (f->size > FDT_MAX_SIZE)
		return "totalsize above FDT_MAX_SIZE";
	if (f->size > maxlen)
		return "truncated: totalsize beyond the buffer";
	if (be32(b + HDR_VERSION) < 16 || be32(b + HDR_LAST_COMP) > 17)
		return "unsupported version";
	f->base = b;
	off_st = be32(b + HDR_OFF_STRUCT);
	off_strs = be32(b + HDR_OFF_STRINGS);
	f->rsvmap = be32(b + HDR_OFF_RSVMAP);
	f->strs_size = be32(b + HDR_SIZE_STRINGS);
	/* Version 16 has no size_dt_struct: the block runs to the end and FDT_END bounds it. */
	f->st_size = be32(b + HDR_VERSION) >= 17 ? be32(b + HDR_SIZE_STRUCT) : f->size - off_st;
	if (!block_ok(off_st, f->st_size, f->size))
		return "structure block outside the blob";
	if (off_st % 4)
		return "misaligned structure block";
	if (!block_ok(off_strs, f->strs_size, f->size))
		return "strings block outside the blob";
	if (!block_ok(f->rsvmap, 0, f->size))
		return "reservation block outside the blob";
	f->st = b + off_st;
	f->strs = (const char *)b + off_strs;
	return NULL;
}

/* Decodes the token at structure offset @off, NOPs skipped: NULL, or why it is malformed. */
static const char *read_token(const struct fdt *f, uint32_t off, struct token *t)
{
	uint32_t nameoff, end;

	do {
		if (off > f->st_size || f->st_size - off < 4)
			return "missing FDT_END";
		t->tag = be32(f->st + off);
		off += 4;
	} while (t->tag == FDT_NOP);
	t->next = off;
	if (t->tag == FDT_BEGIN_NODE) {
		t->name = (const char *)f->st + t->next;
		end = find_char((const char *)f->st, t->next, f->st_size, '\0');
		if (end >= f->st_size)
			return "unterminated node name";
		t->next = (end + 4) & ~3u;
	} else if (t->tag == FDT_PROP) {
		if (f->st_size - t->next < 8)
			return "truncated property header";
		t->p.len = be32(f->st + t->next);
		nameoff = be32(f->st + t->next + 4);
		t->next += 8;
		if (t->p.len > f->st_size - t->next)
			return "property value outside the structure block";
		t->p.val = f->st + t->next;
		t->next = (t->next + t->p.len + 3) & ~3u;
		/* Also catches an offset past the block: the search then starts at its end. */
		if (find_char(f->strs, nameoff, f->strs_size, '\0') >= f->strs_size)
			return "property name outside the strings block";
		t->name = f->strs + nameoff;
	} else if (t->tag != FDT_END_NODE && t->tag != FDT_END) {
		return "unknown token";
	}
	return NULL;
}

/* One pass over the structure block: every token decodes, nodes nest, FDT_END closes it. */
static const char *check_struct(const struct fdt *f)
{
	struct token t;
	uint32_t off = 0;
	int depth = 0;
	bool root = false;
	const char *why;

	for (;; off = t.next) {
		why = read_token(f, off, &t);
		if (why)
			return why;
		if (t.tag == FDT_BEGIN_NODE) {
			if (depth == 0 && root)
				return "second root node";
			if (++depth > FDT_MAX_DEPTH)
				return "nodes nested too deep";
			root = true;
		} else if (t.tag == FDT_END_NODE && depth-- == 0) {
			return "unbalanced FDT_END_NODE";
		} else if (t.tag == FDT_PROP && depth == 0) {
			return "property outside a node";
		} else if (t.tag == FDT_END) {
			if (depth)
				return "FDT_END inside a node";
			return root ? NULL : "no root node";
		}
	}
}

/* Keeps non-empty regions that do not wrap, up to @max; the rest are dropped silently. */
static void add_region(struct fdt_region *r, int *n, int max, uint64_t base, uint64_t size)
{
	if (!size || base + (size - 1) < base || *n >= max)
		return;
	r[*n].base = base;
	r[*n].size = size;
	(*n)++;
}

/* Walks the reservation block to its (0, 0) terminator, adding entries to @info if given. */
static const char *read_rsvmap(const struct fdt *f, struct fdt_info *info)
{
	uint64_t base, size;
	uint32_t off;

	for (off = f->rsvmap; f->size - off >= FDT_RSV_ENTRY; off += FDT_RSV_ENTRY) {
		base = read_cells(f->base + off, 2);
		size = read_cells(f->base + off + 8, 2);
		if (!base && !size)
			return NULL;
		if (info)
			add_region(info->resv, &info->nresv, FDT_MAX_RESV, base, size);
	}
	return "unterminated memory reservation block";
}

/*
 * Navigation of the validated blob. A node is the structure offset of its FDT_BEGIN_NODE, -1
 * for none; every helper accepts -1, so lookups chain without checks in between.
 */

/* @off if a node begins there (after NOPs), else -1. A node is kept as such an offset. */
static int node_at(const struct fdt *f, uint32_t off)
{
	struct token t;

	return !read_token(f, off, &t) && t.tag == FDT_BEGIN_NODE ? (int)off : -1;
}

/* @node's name, and in *@off the offset of its first property. */
static const char *node_body(const struct fdt *f, int node, uint32_t *off)
{
	struct token t;

	*off = (uint32_t)node;
	if (node < 0 || read_token(f, *off, &t) || t.tag != FDT_BEGIN_NODE)
		return NULL;
	*off = t.next;
	return t.name;
}

/* Properties precede subnodes in a blob, so the search stops at the first subnode. */
static bool find_prop(const struct fdt *f, int node, const char *name, uint32_t n, struct prop *pr)
{
	struct token t;
	uint32_t off;

	if (!node_body(f, node, &off))
		return false;
	for (; !read_token(f, off, &t) && t.tag == FDT_PROP; off = t.next) {
		if (mem_is(name, n, t.name)) {
			*pr = t.p;
			return true;
		}
	}
	return false;
}

static bool get_prop(const struct fdt *f, int node, const char *name, struct prop *pr)
{
	return find_prop(f, node, name, str_len(name), pr);
}

static int first_child(const struct fdt *f, int node)
{
	struct token t;
	uint32_t off;

	if (!node_body(f, node, &off))
		return -1;
	while (!read_token(f, off, &t) && t.tag == FDT_PROP)
		off = t.next;
	return node_at(f, off);
}

static int next_sibling(const struct fdt *f, int node)
{
	struct token t;
	uint32_t off = (uint32_t)node;
	int depth = 0;

	do {
		if (node < 0 || read_token(f, off, &t) || t.tag == FDT_END)
			return -1;
		depth += t.tag == FDT_BEGIN_NODE ? 1 : t.tag == FDT_END_NODE ? -1 : 0;
		off = t.next;
	} while (depth > 0);
	return node_at(f, off);
}

/* A path component "serial" also matches "serial@10000000", as in Linux. */
static int find_child(const struct fdt *f, int parent, const char *s, uint32_t n)
{
	bool unit = find_char(s, 0, n, '@') < n;
	const char *name;
	uint32_t off, i;
	int c;

	for (c = first_child(f, parent); c >= 0; c = next_sibling(f, c)) {
		name = node_body(f, c, &off);
		for (i = 0; i < n && name[i] && name[i] == s[i]; i++)
			;
		if (i == n && (!name[n] || (name[n] == '@' && !unit)))
			return c;
	}
	return -1;
}

static int child(const struct fdt *f, int parent, const char *name)
{
	return find_child(f, parent, name, str_len(name));
}

/* Resolves absolute path p[0, n), recording root..node in @chain; returns the node or -1. */
static int walk_path(const struct fdt *f, int root, const char *p, uint32_t n, int *chain,
		     int *depth)
{
	uint32_t i = 0, end;

	*depth = 0;
	chain[0] = root;
	while (chain[*depth] >= 0) {
		while (i < n && p[i] == '/')
			i++;
		if (i == n)
			return chain[*depth];
		if (*depth + 1 >= FDT_MAX_DEPTH)
			return -1;
		end = find_char(p, i, n, '/');
		chain[*depth + 1] = find_child(f, chain[*depth], p + i, end - i);
		++*depth;
		i = end;
	}
	return -1;
}

/* The cells @node gives its children, with the DT spec defaults (2, 1) when absent. */
static struct cells node_cells(const struct fdt *f, int node)
{
	struct cells c = { 2, 1 };
	struct prop pr;

	if (get_prop(f, node, "#address-cells", &pr) && pr.len == 4)
		c.ac = be32(pr.val);
	if (get_prop(f, node, "#size-cells", &pr) && pr.len == 4)
		c.sc = be32(pr.val);
	return c;
}

/* Entry @i of a reg value laid out in @c cells; false past its end or for absurd cells. */
static bool reg_entry(const struct prop *pr, uint32_t i, struct cells c, uint64_t *base,
		      uint64_t *size)
{
	uint32_t step = 4 * (c.ac + c.sc);

	if (!c.ac || c.ac > FDT_MAX_CELLS || c.sc > FDT_MAX_CELLS || i >= pr->len / step)
		return false;
	*base = read_cells(pr->val + i * step, c.ac);
	*size = read_cells(pr->val + i * step + 4 * c.ac, c.sc);
	return true;
}

static bool node_enabled(const struct fdt *f, int node)
{
	struct prop pr;

	return !get_prop(f, node, "status", &pr) || has_str(&pr, "okay", false) ||
	       has_str(&pr, "ok", false);
}

static bool prop_is(const struct fdt *f, int node, const char *name, const char *lit)
{
	struct prop pr;

	return get_prop(f, node, name, &pr) && has_str(&pr, lit, false);
}

static void add_reg(const struct fdt *f, int node, struct cells c, struct fdt_region *r, int *n,
		    int max)
{
	struct prop pr;
	uint64_t base, size;
	uint32_t i;

	if (!get_prop(f, node, "reg", &pr))
		return;
	for (i = 0; reg_entry(&pr, i, c, &base, &size); i++)
		add_region(r, n, max, base, size);
}

static void copy_first_str_n(const struct fdt *f, int node, const char *name, char *out,
			     uint32_t size)
{
	struct prop pr;
	uint32_t pos = 0, n, len = 0;
	const char *s;

	if (get_prop(f, node, name, &pr) && next_str(&pr, &pos, &s, &n))
		append_n(out, size, &len, s, n);
}

static void copy_first_str(const struct fdt *f, int node, const char *name, char *out)
{
	copy_first_str_n(f, node, name, out, FDT_NAME_LEN);
}

/* Memory nodes are children of the root, their reg in the root's cells (as Linux reads them). */
static void read_memory(const struct fdt *f, int root, struct fdt_info *info)
{
	struct cells c = node_cells(f, root);
	int n;

	for (n = first_child(f, root); n >= 0; n = next_sibling(f, n))
		if (prop_is(f, n, "device_type", "memory") && node_enabled(f, n))
			add_reg(f, n, c, info->mem, &info->nmem, FDT_MAX_MEM);
}

static void read_reserved(const struct fdt *f, int root, struct fdt_info *info)
{
	int rm = child(f, root, "reserved-memory");
	struct cells c = node_cells(f, rm);
	int n;

	for (n = first_child(f, rm); n >= 0; n = next_sibling(f, n))
		if (node_enabled(f, n))
			add_reg(f, n, c, info->resv, &info->nresv, FDT_MAX_RESV);
	(void)read_rsvmap(f, info); /* known to be terminated: fdt_parse() checked it first */
}

static uint32_t ext_flags(const char *s, uint32_t n)
{
	return ext_is(s, n, "sstc")	 ? FDT_HART_SSTC
	       : ext_is(s, n, "svpbmt")	 ? FDT_HART_SVPBMT
	       : ext_is(s, n, "svnapot") ? FDT_HART_SVNAPOT
	       : ext_is(s, n, "svadu")	 ? FDT_HART_SVADU
	       : ext_is(s, n, "zkr")	 ? FDT_HART_ZKR
					 : 0;
}

/*
 * "rv64imafdc_zicsr_sstc": multi-letter extensions follow underscores. The first part (base and
 * single letters) is skipped whole: old QEMUs wrote "rv64imafdcsu", where 's' starts no name.
 */
static uint32_t isa_flags(const struct prop *pr)
{
	uint32_t pos = 0, n, i, end, flags = 0;
	const char *s;

	if (!next_str(pr, &pos, &s, &n))
		return 0;
	for (i = find_char(s, 0, n, '_'); i < n; i = end) {
		end = find_char(s, i + 1, n, '_');
		flags |= ext_flags(s + i + 1, end - i - 1);
	}
	return flags;
}

static uint32_t hart_flags(const struct fdt *f, int cpu)
{
	struct prop pr;
	uint32_t flags = 0, pos = 0, n;
	const char *s;

	if (prop_is(f, cpu, "mmu-type", "riscv,sv39") ||
	    prop_is(f, cpu, "mmu-type", "riscv,sv48") || prop_is(f, cpu, "mmu-type", "riscv,sv57"))
		flags |= FDT_HART_MMU_SV39;
	if (node_enabled(f, cpu))
		flags |= FDT_HART_ENABLED;
	if (get_prop(f, cpu, "compatible", &pr) && has_str(&pr, "thead,c906", true))
		flags |= FDT_HART_THEAD_C906;
	if (get_prop(f, cpu, "riscv,isa", &pr))
		flags |= isa_flags(&pr);
	if (get_prop(f, cpu, "riscv,isa-extensions", &pr))
		while (next_str(&pr, &pos, &s, &n))
			flags |= ext_flags(s, n);
	return flags;
}

/* A cpu node says device_type "cpu"; blobs that omit device_type are read by name, "cpu@N". */
static bool is_cpu(const struct fdt *f, int node)
{
	struct prop pr;
	uint32_t off;
	const char *name = node_body(f, node, &off);

	if (get_prop(f, node, "device_type", &pr))
		return has_str(&pr, "cpu", false);
	return name && name[0] == 'c' && name[1] == 'p' && name[2] == 'u' && name[3] == '@';
}

static void read_cpus(const struct fdt *f, int root, struct fdt_info *info)
{
	int cpus = child(f, root, "cpus");
	struct cells c = node_cells(f, cpus);
	struct fdt_hart *h;
	struct prop pr;
	uint64_t id, size;
	int n;

	if (get_prop(f, cpus, "timebase-frequency", &pr))
		read_uint(&pr, &info->timebase_hz);
	for (n = first_child(f, cpus); n >= 0; n = next_sibling(f, n)) {
		if (!is_cpu(f, n))
			continue;
		if (!info->timebase_hz && get_prop(f, n, "timebase-frequency", &pr))
			read_uint(&pr, &info->timebase_hz);
		/* A cpu without a hart id cannot be started, so it is not listed. */
		if (info->nharts >= FDT_MAX_HARTS || !get_prop(f, n, "reg", &pr) ||
		    !reg_entry(&pr, 0, c, &id, &size))
			continue;
		h = &info->harts[info->nharts++];
		h->hartid = (uint32_t)id;
		h->flags = hart_flags(f, n);
	}
}

/* Maps @addr from @bus's address space to its parent's (@pac cells) through bus's ranges. */
static bool map_ranges(const struct fdt *f, int bus, uint32_t pac, uint64_t *addr)
{
	struct cells c = node_cells(f, bus);
	struct prop pr;
	uint64_t cbase, pbase, size;
	uint32_t i, step;

	/* Empty ranges is the identity; a bus without ranges is taken as identity too. */
	if (!get_prop(f, bus, "ranges", &pr) || !pr.len)
		return true;
	if (!c.ac || c.ac > FDT_MAX_CELLS || !pac || pac > FDT_MAX_CELLS || c.sc > FDT_MAX_CELLS)
		return false;
	step = 4 * (c.ac + pac + c.sc);
	for (i = 0; pr.len - i >= step; i += step) {
		cbase = read_cells(pr.val + i, c.ac);
		pbase = read_cells(pr.val + i + 4 * c.ac, pac);
		size = read_cells(pr.val + i + 4 * (c.ac + pac), c.sc);
		if (*addr >= cbase && *addr - cbase < size) {
			*addr = pbase + (*addr - cbase);
			return true;
		}
	}
	return false;
}

/* The first compatible string that has a driver decides the kind. */
static enum fdt_uart_kind uart_kind(const struct prop *pr, const char **s, uint32_t *n)
{
	uint32_t pos = 0;

	while (next_str(pr, &pos, s, n)) {
		if (mem_is(*s, *n, "ns16550a") || mem_is(*s, *n, "ns16550"))
			return FDT_UART_NS16550;
		if (mem_is(*s, *n, "snps,dw-apb-uart"))
			return FDT_UART_DW_APB;
		if (mem_is(*s, *n, "sifive,uart0"))
			return FDT_UART_SIFIVE;
	}
	return FDT_UART_NONE;
}

static uint32_t prop_u32(const struct fdt *f, int node, const char *name, uint32_t def)
{
	struct prop pr;
	uint64_t v;

	if (!get_prop(f, node, name, &pr) || !read_uint(&pr, &v) || v > UINT32_MAX)
		return def;
	return (uint32_t)v;
}

/* Fills @u from the node at @path; kind stays NONE unless the UART is usable as described. */
static void read_uart(const struct fdt *f, int root, const char *path, uint32_t len,
		      struct fdt_uart *u)
{
	int chain[FDT_MAX_DEPTH];
	struct prop pr;
	enum fdt_uart_kind kind;
	const char *compat, *name;
	uint64_t base, size;
	uint32_t pos = 0, n, off;
	int depth, node, i;

	node = walk_path(f, root, path, len, chain, &depth);
	if (node < 0)
		return;
	if (!depth)
		append(u->path, &pos, "/", 1);
	for (i = 1; i <= depth; i++) {
		name = node_body(f, chain[i], &off);
		append(u->path, &pos, "/", 1);
		append(u->path, &pos, name, str_len(name));
	}
	if (depth == 0 || !get_prop(f, node, "compatible", &pr))
		return;
	kind = uart_kind(&pr, &compat, &n);
	if (kind == FDT_UART_NONE || !get_prop(f, node, "reg", &pr) ||
	    !reg_entry(&pr, 0, node_cells(f, chain[depth - 1]), &base, &size))
		return;
	/* Up through every ancestor bus: reg is in the parent's space, ranges map to the next. */
	for (i = depth - 1; i > 0; i--)
		if (!map_ranges(f, chain[i], node_cells(f, chain[i - 1]).ac, &base))
			return;
	u->kind = kind;
	pos = 0;
	append(u->compatible, &pos, compat, n);
	u->base = base;
	u->size = size;
	u->reg_shift = prop_u32(f, node, "reg-shift", 0);
	u->reg_io_width = prop_u32(f, node, "reg-io-width", 1);
	u->clock_hz = prop_u32(f, node, "clock-frequency", 0);
}

/* Leading decimal digits of the options ("115200n8"); 0 when none or absurdly large. */
static uint32_t parse_baud(const char *s, uint32_t n)
{
	uint32_t i, v = 0;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT32_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	return v;
}

/* /chosen/stdout-path is "path-or-alias[:options]". */
static void read_console(const struct fdt *f, int root, struct fdt_info *info)
{
	int chosen = child(f, root, "chosen");
	struct prop pr;
	const char *s, *path;
	uint32_t pos = 0, n, len;

	if (!get_prop(f, chosen, "stdout-path", &pr) &&
	    !get_prop(f, chosen, "linux,stdout-path", &pr))
		return;
	if (!next_str(&pr, &pos, &s, &n))
		return;
	pos = 0;
	append(info->stdout_path, &pos, s, n);
	len = find_char(s, 0, n, ':');
	if (len < n)
		info->uart.baud = parse_baud(s + len + 1, n - len - 1);
	path = s;
	if (len && s[0] != '/') {
		pos = 0;
		if (!find_prop(f, child(f, root, "aliases"), s, len, &pr) ||
		    !next_str(&pr, &pos, &path, &len))
			return;
	}
	if (len && path[0] == '/')
		read_uart(f, root, path, len, &info->uart);
}

/*
 * The first enabled node, in blob order, whose compatible list holds @lit; root..node in
 * @chain, the node's depth in *@depth. -1 when there is none.
 */
static int find_compatible(const struct fdt *f, const char *lit, int *chain, int *depth)
{
	struct token t;
	uint32_t off;
	int d = -1;

	for (off = 0; !read_token(f, off, &t) && t.tag != FDT_END; off = t.next) {
		if (t.tag == FDT_BEGIN_NODE) {
			if (++d >= FDT_MAX_DEPTH) /* check_struct() made this impossible */
				return -1;
			chain[d] = (int)off;
		} else if (t.tag == FDT_END_NODE) {
			d--;
		} else if (d >= 0 && mem_is(t.name, str_len(t.name), "compatible") &&
			   has_str(&t.p, lit, true) && node_enabled(f, chain[d])) {
			*depth = d;
			return chain[d];
		}
	}
	return -1;
}

/* The first reg entry of chain[depth] as a CPU physical address, through every bus above. */
static bool cpu_reg(const struct fdt *f, const int *chain, int depth, uint64_t *base,
		    uint64_t *size)
{
	struct prop pr;
	int i;

	if (depth == 0 || !get_prop(f, chain[depth], "reg", &pr) ||
	    !reg_entry(&pr, 0, node_cells(f, chain[depth - 1]), base, size))
		return false;
	for (i = depth - 1; i > 0; i--)
		if (!map_ranges(f, chain[i], node_cells(f, chain[i - 1]).ac, base))
			return false;
	return true;
}

static void read_rtc(const struct fdt *f, struct fdt_info *info)
{
	int chain[FDT_MAX_DEPTH], depth, i;
	struct fdt_rtc *r = &info->rtc;
	uint32_t pos = 0, off;
	const char *name;

	if (find_compatible(f, "google,goldfish-rtc", chain, &depth) < 0 ||
	    !cpu_reg(f, chain, depth, &r->base, &r->size))
		return;
	r->kind = FDT_RTC_GOLDFISH;
	for (i = 1; i <= depth; i++) {
		name = node_body(f, chain[i], &off);
		append(r->path, &pos, "/", 1);
		append(r->path, &pos, name, str_len(name));
	}
}

/* Entropy the boot loader left in /chosen for the kernel's random generator. */
static void read_seeds(const struct fdt *f, int root, struct fdt_info *info)
{
	int chosen = child(f, root, "chosen");
	struct prop pr;
	uint32_t i;

	if (get_prop(f, chosen, "rng-seed", &pr)) {
		for (i = 0; i < pr.len && i < FDT_RNG_SEED_MAX; i++)
			info->rng_seed[i] = pr.val[i];
		info->rng_seed_len = i;
	}
	if (get_prop(f, chosen, "kaslr-seed", &pr) && read_uint(&pr, &info->kaslr_seed))
		info->has_kaslr_seed = true;
}

/* Zeroed through volatile: a plain loop may be turned into a call to memset, which we lack. */
static void clear(struct fdt_info *info)
{
	volatile uint8_t *p = (volatile uint8_t *)info;
	size_t i;

	for (i = 0; i < sizeof(*info); i++)
		p[i] = 0;
}

int fdt_parse(const void *blob, size_t maxlen, struct fdt_info *info)
{
	struct fdt f;
	int root;

	f.size = 0;
	clear(info);
	info->why = check_header(blob, maxlen, &f);
	if (!info->why)
		info->why = check_struct(&f);
	if (!info->why)
		info->why = read_rsvmap(&f, NULL);
	if (info->why) /* check_header() stops at the size check when totalsize is too big */
		return f.size > FDT_MAX_SIZE ? -E2BIG : -EINVAL;
	info->totalsize = f.size;
	root = node_at(&f, 0);
	copy_first_str(&f, root, "model", info->model);
	copy_first_str(&f, root, "compatible", info->compatible);
	read_memory(&f, root, info);
	read_reserved(&f, root, info);
	read_cpus(&f, root, info);
	read_console(&f, root, info);
	copy_first_str_n(&f, child(&f, root, "chosen"), "bootargs", info->bootargs,
			 FDT_BOOTARGS_LEN);
	read_rtc(&f, info);
	read_seeds(&f, root, info);
	return 0;
}
