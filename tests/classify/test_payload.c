// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace classifier (headers/vpnxdp_classify.h through
 * tests/lib/classify_user.h) on crafted packets: every payload check with near
 * misses, IPv4 and IPv6, the flow cache across a flow's packets, and
 * fragments.  The same vectors run through the compiled BPF program in
 * test_payload_bpf.
 */
#include <stdio.h>
#include <stdlib.h>

#include "classify_user.h"
#include "classify/runvec.h"

static int user_classify(void *ctx, const uint8_t *f, size_t len, int *cls,
			 int *conf)
{
	struct vx_pkt p = {};
	struct vx_verdict v = vx_classify(ctx, &p, f, f + len, 0);

	*cls = v.cls;
	*conf = v.conf;
	return 0;
}

int main(void)
{
	struct vx_compiled *comp = calloc(1, sizeof(*comp));
	struct vx_fcache flows, frags;
	struct vx_policy pol;
	struct vx_env env;
	int fails;

	if (!comp || vx_fcache_init(&flows, sizeof(struct vx_flow_key), 1024) ||
	    vx_fcache_init_frags(&frags, 1024)) {
		printf("FAIL payload_setup: out of memory\n");
		return 1;
	}
	vx_policy_init(&pol);
	vx_policy_compile(&pol, comp);
	env = (struct vx_env){ .pol = comp, .flows = &flows, .frags = &frags };

	fails = rv_all(user_classify, &env, "payload");

	/* without caches: a later fragment is "fragment", a bare ACK other */
	env.flows = env.frags = NULL;
	fails += RV_SEQ(user_classify, &env, "payload_nocache", "frag", 6,
		{ { .proto = IPPROTO_UDP, .frag_off = 17, .frag_id = 77 }, "200 aa", VX_C_FRAGMENT, PRT });

	vx_fcache_free(&flows);
	vx_fcache_free(&frags);
	vx_policy_free(&pol);
	free(comp);
	return fails ? 1 : 0;
}
