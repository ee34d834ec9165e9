// SPDX-License-Identifier: GPL-2.0
/*
 * The "add a VPN class" checklist of docs/ARCHITECTURE.md, kept true: every
 * class of enum vx_class has a name that parses back, is documented in both
 * man pages, is found either by a default signature or by an any-port
 * payload check, and has test vectors (tests/classify/vectors.h, run by the
 * userspace and the BPF suites) that identify it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "policy/policy.h"
#include "check.h"
#include "classify/vectors.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = (size_t)ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = calloc(1, n + 1)))
		if (fread(buf, 1, n, f) != n) {
			free(buf);
			buf = NULL;
		}
	fclose(f);
	return buf;
}

/* Is @name given as a class in the man page @page (".BR name")? */
static bool documented(const char *page, const char *name)
{
	char line[64];

	snprintf(line, sizeof(line), "\n.BR %s", name);
	for (const char *p = page; p && (p = strstr(p, line)); p += strlen(line)) {
		char after = p[strlen(line)];

		if (after == ' ' || after == '\n' || after == ',')
			return true;
	}
	return false;
}

static bool name_ok(unsigned int c)
{
	const char *n = vx_class_names[c];

	if (!n || !*n || vx_class_parse(n) != (int)c)
		return false;
	for (const char *p = n; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
			return false;
	return true;
}

/* Vectors of class @c (that find it, or are named after it: a class off
 * by default has vectors that show it is), and how many find it on a port
 * that has no signature (confidence payload). */
static void vectors_of(unsigned int c, int *n, int *anyport)
{
	const char *name = vx_class_name(c);
	size_t len = strlen(name);

	*n = *anyport = 0;
	for (size_t i = 0; i < sizeof(vx_vectors) / sizeof(vx_vectors[0]); i++) {
		const char *vn = vx_vectors[i].name;

		if (vx_vectors[i].cls != (int)c &&
		    !(strncmp(vn, name, len) == 0 && vn[len] == '_'))
			continue;
		(*n)++;
		if (vx_vectors[i].conf == VX_CONF_PAYLOAD)
			(*anyport)++;
	}
}

/* A built-in signature names @c (SSTP's is there but off by default). */
static bool has_default_sig(const struct vx_policy *pol, unsigned int c)
{
	for (size_t i = 0; i < pol->nsigs; i++)
		if (pol->sigs[i].cls == c)
			return true;
	return false;
}

int main(void)
{
	char *p5 = slurp("docs/vpnxdp-policy.5"), *p8 = slurp("docs/vpnxdp.8");
	struct vx_policy pol;

	setvbuf(stdout, NULL, _IOLBF, 0);
	begin();
	expect(p5 && p8, "cannot read docs/vpnxdp-policy.5 and docs/vpnxdp.8 (run from the repository root)");
	expect(VX_NCLASS <= VX_MAX_CLASS, "%d classes, rows for %d", VX_NCLASS, VX_MAX_CLASS);
	result(ok_now, why, "classes_setup");
	if (!ok_now)
		return 1;
	/* class ids are the counters' rows: appended classes keep the ids
	 * before them, and their names parse back to them */
	begin();
	expect(VX_C_ZEROTIER == 15 && VX_C_WARP == VX_C_ZEROTIER + 1,
	       "warp is id %d after zerotier %d", VX_C_WARP, VX_C_ZEROTIER);
	expect(vx_class_parse("warp") == VX_C_WARP, "\"warp\" parses to %d",
	       vx_class_parse("warp"));
	expect(strcmp(vx_class_name(VX_C_WARP), "warp") == 0, "id %d is named %s",
	       VX_C_WARP, vx_class_name(VX_C_WARP));
	expect(VX_CLASS_IS_VPN(VX_C_WARP), "warp is not a VPN class a rule can act on");
	expect(vx_class_parse("WARP") < 0 && vx_class_parse("war") < 0,
	       "class names parse loosely");
	result(ok_now, why, "class_warp_id_and_name");
	vx_policy_init(&pol);
	for (unsigned int c = 1; c < VX_NCLASS; c++) {
		const char *n = vx_class_name(c);
		int nvec, anyport;

		if (!VX_CLASS_IS_VPN(c))
			continue;
		vectors_of(c, &nvec, &anyport);
		begin();
		expect(name_ok(c), "class %u has no name in core/names.h that parses back", c);
		expect(documented(p5, n), "%s is not in vpnxdp-policy(5)'s list of classes", n);
		expect(documented(p8, n), "%s is not in vpnxdp(8)'s list of classes", n);
		expect(has_default_sig(&pol, c) || anyport > 0,
		       "%s has neither a default signature (policy/model.c) nor an any-port "
		       "check with a vector that finds it", n);
		expect(nvec > 0, "%s has no test vector in tests/classify/vectors.h", n);
		result(ok_now, why, "class_%s_complete", n ? n : "unnamed");
	}
	vx_policy_free(&pol);
	free(p5);
	free(p8);
	return n_fail ? 1 : 0;
}
