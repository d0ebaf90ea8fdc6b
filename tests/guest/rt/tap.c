// SPDX-License-Identifier: GPL-2.0
#include "tap.h"

int tap_host;
int tap_verbose;
int tap_failures;

static void vdiag(const char *fmt, va_list ap)
{
	char buf[400];
	int n;

	buf[0] = '#';
	buf[1] = ' ';
	n = 2 + rt_vsnprintf(buf + 2, sizeof(buf) - 3, fmt, ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	rt_write_out(1, buf, n);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(fmt, ap);
	va_end(ap);
}

void tap_info(const char *fmt, ...)
{
	va_list ap;

	if (!tap_verbose)
		return;
	va_start(ap, fmt);
	vdiag(fmt, ap);
	va_end(ap);
}

int tap_expect(int ok, const char *file, int line, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	if (ok)
		return 1;
	tap_failures++;
	va_start(ap, fmt);
	rt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tap_diag("%s:%d: %s", file, line, msg);
	return 0;
}
