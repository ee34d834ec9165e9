// SPDX-License-Identifier: GPL-2.0
/* Reading a policy file: the bytes, then the parser of its form (text, or
 * JSON), on top of the defaults. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "policy/policy.h"

int vx_read_file(const char *path, char **buf, size_t *len, char *err,
		 size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *b;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	b = malloc(cap);
	while (b) {
		size_t r = fread(b + n, 1, cap - n, f);

		n += r;
		if (n < cap)
			break;
		if (cap >= VX_MAX_FILE) {
			snprintf(err, errlen, "%s: larger than %u MiB, the limit for a policy",
				 path, VX_MAX_FILE >> 20);
			free(b);
			if (f != stdin)
				fclose(f);
			return -1;
		}
		cap *= 2;
		char *nb = realloc(b, cap);
		if (!nb) {
			free(b);
			b = NULL;
		} else {
			b = nb;
		}
	}
	if (!b || ferror(f)) {
		snprintf(err, errlen, "%s: %s", path,
			 b ? "read error" : "out of memory");
		free(b);
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

int vx_policy_load(const char *file, bool json, struct vx_policy *pol)
{
	const char *name = strcmp(file, "-") ? file : "<stdin>";
	struct vx_diag d;
	char *buf, err[300];
	size_t len, i = 0;
	int ret;

	vx_policy_init(pol);
	if (vx_read_file(file, &buf, &len, err, sizeof(err))) {
		vx_err("%s", err);
		vx_policy_free(pol);
		return -1;
	}
	/* No text policy starts with '{': a JSON file needs no flag. */
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	/* Nothing at all is a mistake (a truncated file, a pipe whose writer
	 * failed), not a request for the defaults, which would remove every
	 * rule: that takes `policy reset` (or a file that says something,
	 * even only a comment). */
	if (i == len) {
		vx_err("%s: empty policy; to go back to the defaults use "
		       "'vpnxdp policy reset IFACE'", name);
		free(buf);
		vx_policy_free(pol);
		return -1;
	}
	if (json || buf[i] == '{')
		ret = vx_policy_parse_json(pol, buf, len, name, &d);
	else
		ret = vx_policy_parse_text(pol, buf, len, name, &d);
	free(buf);
	if (ret) {
		vx_diag_print(&d);
		vx_policy_free(pol);
	}
	return ret;
}

void vx_diag_print(const struct vx_diag *d)
{
	if (d->path[0])
		fprintf(stderr, "vpnxdp: %s: %s: %s\n", d->file, d->path, d->msg);
	else if (d->line > 0)
		fprintf(stderr, "vpnxdp: %s:%d:%d: %s\n", d->file, d->line,
			d->col, d->msg);
	else
		fprintf(stderr, "vpnxdp: %s: %s\n", d->file, d->msg);
}
