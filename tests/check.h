/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The check harness of the C test programs: one line per check, "PASS name"
 * or "FAIL name: reason" (tests/run.sh counts them), names unique within a
 * program.  A check is begin(), any number of expect(cond, why...), then
 * result(ok_now, why, name...): the first failed expectation is the reason.
 */
#ifndef VX_TEST_CHECK_H
#define VX_TEST_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_fail, n_pass;
static char **names;
static size_t n_names, cap_names;

static __attribute__((format(printf, 3, 4))) void
result(bool ok, const char *why, const char *fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < n_names; i++) {
		if (strcmp(names[i], name) == 0) {
			printf("FAIL %s_dup: test name used twice\n", name);
			n_fail++;
			return;
		}
	}
	if (n_names == cap_names) {
		cap_names = cap_names ? cap_names * 2 : 256;
		names = realloc(names, cap_names * sizeof(*names));
		if (!names)
			abort();
	}
	names[n_names++] = strdup(name);
	if (ok) {
		printf("PASS %s\n", name);
		n_pass++;
	} else {
		printf("FAIL %s: %s\n", name, why && *why ? why : "check failed");
		n_fail++;
	}
}

/* Reason of the first failed expectation of the current check. */
static char why[1024];
static bool ok_now;

static void begin(void)
{
	why[0] = 0;
	ok_now = true;
}

static __attribute__((format(printf, 2, 3))) void
expect(bool cond, const char *fmt, ...)
{
	va_list ap;

	if (cond || !ok_now)
		return;
	ok_now = false;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
}

#endif
