/* A small printf for the firmware: one formatter, two sinks (console, buffer). */
#include "firmware/printf.h"

#include "firmware/console.h"

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf;
	size_t size;
	size_t len;
};

static void put_console(struct sink *s, char c)
{
	console_putc(c);
	s->len++;
}

static void put_buf(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void pad(struct sink *s, int n, char c)
{
	while (n-- > 0)
		s->put(s, c);
}

static void put_str(struct sink *s, const char *str, int width, int prec, bool left)
{
	int n = 0;

	if (!str)
		str = "(null)";
	while (str[n] && (prec < 0 || n < prec))
		n++;
	if (!left)
		pad(s, width - n, ' ');
	for (int i = 0; i < n; i++)
		s->put(s, str[i]);
	if (left)
		pad(s, width - n, ' ');
}

static void put_num(struct sink *s, unsigned long long v, bool neg, unsigned int base, bool upper,
		    int width, bool zero, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	width -= n + (neg ? 1 : 0);
	if (!left && !zero)
		pad(s, width, ' ');
	if (neg)
		s->put(s, '-');
	if (!left && zero)
		pad(s, width, '0');
	while (n)
		s->put(s, tmp[--n]);
	if (left)
		pad(s, width, ' ');
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		bool left = false, zero = false;
		int width = 0, prec = -1, lng = 0;

		if (*fmt != '%') {
			s->put(s, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			prec = 0;
			fmt++;
			if (*fmt == '*') { /* "%.*s": the length comes as an argument */
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'c':
			s->put(s, (char)va_arg(ap, int));
			break;
		case 's':
			put_str(s, va_arg(ap, const char *), width, prec, left);
			break;
		case 'd':
		case 'i': {
			long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
			unsigned long long u =
			    v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

			put_num(s, u, v < 0, 10, false, width, zero, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned long long v =
			    lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);

			put_num(s, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, zero, left);
			break;
		}
		case 'p':
			s->put(s, '0');
			s->put(s, 'x');
			put_num(s, (uintptr_t)va_arg(ap, void *), false, 16, false, 16, true,
				false);
			break;
		case '%':
			s->put(s, '%');
			break;
		case '\0':
			return;
		default:
			s->put(s, '%');
			s->put(s, *fmt);
			break;
		}
	}
}

int kvprintf(const char *fmt, va_list ap)
{
	struct sink s = { .put = put_console };
	unsigned long flags = console_lock();

	format(&s, fmt, ap);
	console_unlock(flags);
	return (int)s.len;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .put = put_buf, .buf = buf, .size = size };

	format(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
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
