// SPDX-License-Identifier: GPL-2.0
/*
 * The text exposition format (expo.h), written by hand: it is a few lines
 * of escaping, and the C client library of Prometheus (prometheus-client-c,
 * not packaged in Debian 12) would bring its own registry and HTTP server
 * besides the one libmicrohttpd gives.
 */
#include <math.h>

#include "export/expo.h"

/* HELP escapes backslash and newline; label values also the quote. */
static void vx_expo_escaped(FILE *f, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (quote && *s == '"')
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

void vx_expo_family(FILE *f, const char *name, enum vx_mtype t, const char *help)
{
	fprintf(f, "# HELP %s ", name);
	vx_expo_escaped(f, help, 0);
	fprintf(f, "\n# TYPE %s %s\n", name, t == VX_COUNTER ? "counter" : "gauge");
}

static void vx_expo_series(FILE *f, const char *name, const char *const *labels)
{
	fputs(name, f);
	if (!labels || !labels[0])
		return;
	fputc('{', f);
	for (int i = 0; labels[i] && labels[i + 1]; i += 2) {
		fprintf(f, "%s%s=\"", i ? "," : "", labels[i]);
		vx_expo_escaped(f, labels[i + 1], 1);
		fputc('"', f);
	}
	fputc('}', f);
}

void vx_expo_u64(FILE *f, const char *name, const char *const *labels, __u64 v)
{
	vx_expo_series(f, name, labels);
	fprintf(f, " %llu\n", (unsigned long long)v);
}

void vx_expo_f64(FILE *f, const char *name, const char *const *labels, double v)
{
	vx_expo_series(f, name, labels);
	if (isnan(v))
		fputs(" NaN\n", f);
	else if (isinf(v))
		fputs(v > 0 ? " +Inf\n" : " -Inf\n", f);
	else
		fprintf(f, " %.17g\n", v);
}
