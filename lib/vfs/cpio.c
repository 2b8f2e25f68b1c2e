/* SPDX-License-Identifier: MIT */
/*
 * The cpio "newc" format (magic 070701, or 070702 with checksums): a
 * 110-byte header of ASCII hex fields, the NUL-terminated name, padding
 * to 4 bytes, the data, padding to 4 bytes; "TRAILER!!!" ends the
 * archive. Every field is checked against the archive's end before use:
 * a damaged archive yields an error with the reason, never a read past
 * the buffer.
 *
 * Interface: cpio_next(buf, size, &off, &entry) -> 1 entry, 0 end
 * (the trailer, or the end of the buffer at an entry boundary),
 * -EINVAL (entry.why says why; entry.name may be NULL);
 * cpio_clean_path(name, out, len) -> 0 or -EINVAL (".." escapes the root).
 */
#include <pith/errno.h>
#include <pith/string.h>
#include "cpio.h"

#define HDR_LEN		110
#define FIELDS		13

static bool hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return false;
	}
	*out = v;
	return true;
}

static int bad(struct cpio_entry *e, const char *why)
{
	e->why = why;
	return -EINVAL;
}

static bool mode_ok(uint32_t mode)
{
	uint32_t type = mode & 0170000;

	if (mode & ~0177777u)
		return false;
	return type == 0100000 || type == 0040000 || type == 0120000;
}

int cpio_next(const uint8_t *buf, size_t size, size_t *off,
	      struct cpio_entry *e)
{
	uint32_t f[FIELDS];
	size_t at = *off, name_end, data_at;

	*e = (struct cpio_entry){ .offset = at };
	if (at == size)
		return 0;	/* no trailer: tolerated, as Linux does */
	if (at > size || size - at < HDR_LEN)
		return bad(e, "truncated header");
	if (memcmp(buf + at, "07070", 5) ||
	    (buf[at + 5] != '1' && buf[at + 5] != '2'))
		return bad(e, "bad magic");
	for (int i = 0; i < FIELDS; i++)
		if (!hex8(buf + at + 6 + 8 * i, &f[i]))
			return bad(e, "bad header field");
	e->mode = f[1];
	e->mtime = f[5];
	e->size = f[6];
	e->namesize = f[11];
	if (!e->namesize || e->namesize > PATH_MAX_CPIO)
		return bad(e, "bad name size");
	name_end = at + HDR_LEN + e->namesize;
	if (name_end > size)
		return bad(e, "name past the end");
	if (buf[name_end - 1] || kstrnlen((const char *)buf + at + HDR_LEN,
					  e->namesize) != e->namesize - 1)
		return bad(e, "name without its NUL");
	e->name = (const char *)buf + at + HDR_LEN;
	if (!kstrcmp(e->name, "TRAILER!!!"))
		return 0;
	data_at = (name_end + 3) & ~(size_t)3;
	if (data_at > size || e->size > size - data_at)
		return bad(e, "size past the end");
	if (!mode_ok(e->mode))
		return bad(e, "absurd mode");
	e->data = buf + data_at;
	*off = (data_at + e->size + 3) & ~(size_t)3;
	if (*off > size)
		*off = size;
	return 1;
}

/* Copy name without leading "/" or "./", resolving "." and ".." without
 * ever going above the root. "" is the root itself. */
int cpio_clean_path(const char *name, char *out, size_t len)
{
	size_t o = 0;
	const char *p = name;

	while (*p) {
		const char *s;
		size_t n;

		while (*p == '/')
			p++;
		s = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (!n || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (!o)
				return -EINVAL;
			while (o && out[o - 1] != '/')
				o--;
			if (o)
				o--;
			continue;
		}
		if (o + n + 2 > len)
			return -ENAMETOOLONG;
		if (o)
			out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
	}
	out[o] = 0;
	return 0;
}
