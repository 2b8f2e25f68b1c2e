/* SPDX-License-Identifier: MIT */
/*
 * kvsnprintf: the kernel's formatter. Conversions d i u x X o p s c %,
 * flags - 0 # + space, width and precision (also *), length hh h l ll z t j.
 * No floating point: kernel code is built without SSE. Host-testable.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <pith/printk.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	bool left, zero, alt, plus, space;
	int width, prec;	/* prec < 0: none */
};

static void pad(struct out *o, int n, char c)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		pad(o, sp->width - n, ' ');
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, sp->width - n, ' ');
}

static void put_num(struct out *o, unsigned long long v, bool neg,
		    unsigned base, bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, prefix_len = 0;
	const char *prefix = "";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	if (neg)
		prefix = "-";
	else if (sp->plus)
		prefix = "+";
	else if (sp->space)
		prefix = " ";
	else if (sp->alt && base == 16 && n)
		prefix = upper ? "0X" : "0x";
	else if (sp->alt && base == 8 && (n == 0 || tmp[n - 1] != '0'))
		prefix = "0";
	while (prefix[prefix_len])
		prefix_len++;
	int zeros = sp->prec > n ? sp->prec - n : 0;
	int total = prefix_len + zeros + n;

	if (sp->zero && !sp->left && sp->prec < 0)
		zeros += sp->width > total ? sp->width - total : 0, total =
			sp->width > total ? sp->width : total;
	if (!sp->left)
		pad(o, sp->width - total, ' ');
	for (int i = 0; i < prefix_len; i++)
		put(o, prefix[i]);
	pad(o, zeros, '0');
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, sp->width - total, ' ');
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '#')
			sp->alt = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0)
			sp->left = true, sp->width = -sp->width;
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + *f++ - '0';
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + *f++ - '0';
	}
	return f;
}

/* Length modifier: returns the size in bytes of the argument (1..8). */
static const char *parse_len(const char *f, int *len)
{
	*len = 4;
	if (f[0] == 'h' && f[1] == 'h')
		return *len = 1, f + 2;
	if (f[0] == 'h')
		return *len = 2, f + 1;
	if (f[0] == 'l' && f[1] == 'l')
		return *len = 8, f + 2;
	if (f[0] == 'l' || f[0] == 'z' || f[0] == 't' || f[0] == 'j')
		return *len = 8, f + 1;
	return f;
}

static void put_int(struct out *o, char c, int len, const struct spec *sp,
		    va_list *ap)
{
	unsigned long long u;

	if (c == 'd' || c == 'i') {
		long long v = len == 8 ? va_arg(*ap, long long)
				       : va_arg(*ap, int);

		if (len == 1)
			v = (signed char)v;
		else if (len == 2)
			v = (short)v;
		put_num(o, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v,
			v < 0, 10, false, sp);
		return;
	}
	u = len == 8 ? va_arg(*ap, unsigned long long) : va_arg(*ap, unsigned);
	if (len == 1)
		u = (unsigned char)u;
	else if (len == 2)
		u = (unsigned short)u;
	put_num(o, u, false, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X', sp);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap0)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list ap;
	int len;

	va_copy(ap, ap0);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_len(parse_spec(f + 1, &sp, &ap), &len);
		switch (*f) {
		case 's':
			put_str(&o, va_arg(ap, const char *), &sp);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'p':
			sp.alt = true;
			put_num(&o, (uintptr_t)va_arg(ap, void *), false, 16,
				false, &sp);
			break;
		case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
			put_int(&o, *f, len, &sp, &ap);
			break;
		case '%':
			put(&o, '%');
			break;
		default:	/* unknown: print it as is */
			put(&o, '%');
			if (!*f)
				f--;
			else
				put(&o, *f);
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
