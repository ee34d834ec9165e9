/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both policy fuzzers check beyond "no crash, no sanitizer report":
 * a policy that parses prints canonical text and JSON that parse back into
 * the same policy (the round trip `policy show` / `policy apply` relies
 * on).  A violation aborts, which libFuzzer reports with the input.
 */
#ifndef VX_FUZZ_POLICY_COMMON_H
#define VX_FUZZ_POLICY_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

static char *vx_fuzz_text(const struct vx_policy *pol)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	vx_policy_to_text(pol, 0, f);
	fclose(f);
	return buf;
}

static void vx_fuzz_roundtrip(const struct vx_policy *pol)
{
	struct vx_policy a, b;
	struct vx_diag d;
	char *json = vx_policy_to_json(pol, 0, false);
	char *text = vx_fuzz_text(pol);
	char *j2, *t2;

	if (!json || !text)
		abort();
	vx_policy_init(&a);
	if (vx_policy_parse_json(&a, json, strlen(json), "canon.json", &d)) {
		fprintf(stderr, "canonical JSON rejected: %s: %s\n%s\n", d.path, d.msg, json);
		abort();
	}
	vx_policy_init(&b);
	if (vx_policy_parse_text(&b, text, strlen(text), "canon", &d)) {
		fprintf(stderr, "canonical text rejected: %d:%d: %s\n%s\n", d.line, d.col,
			d.msg, text);
		abort();
	}
	j2 = vx_policy_to_json(&b, 0, false);
	t2 = vx_fuzz_text(&a);
	if (!j2 || !t2 || strcmp(json, j2) || strcmp(text, t2)) {
		fprintf(stderr, "round trip changed the policy:\n%s\n%s\n", json, j2 ? j2 : "");
		abort();
	}
	free(json);
	free(text);
	free(j2);
	free(t2);
	vx_policy_free(&a);
	vx_policy_free(&b);
}

#endif
