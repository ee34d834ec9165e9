// SPDX-License-Identifier: GPL-2.0
/*
 * The compiled XDP program (BPF_PROG_TEST_RUN, not attached) on the same
 * crafted packets as test_payload: every payload check with near misses,
 * IPv4 and IPv6, its LRU flow cache carried across a flow's packets, and
 * fragments.  The class a packet got is read back from the counters.
 * Then the two classifiers packet by packet on a run of mixed frames.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "classify_user.h"
#include "classify/bpfrun.h"
#include "classify/runvec.h"

static int bpf_classify(void *ctx, const uint8_t *f, size_t len, int *cls,
			int *conf)
{
	__u32 ret;

	if (br_classify(ctx, f, len, cls, conf, &ret) != 0)
		return -1;
	/* default policy: every class is counted, nothing dropped */
	return ret == XDP_PASS ? 0 : -1;
}

/* Both classifiers on one frame: the BPF verdict, or -1 (with a message)
 * when the userspace build disagrees with it. */
struct both {
	struct br *b;
	struct vx_env env;
};

static int both_classify(void *ctx, const uint8_t *f, size_t len, int *cls,
			 int *conf)
{
	struct both *bo = ctx;
	struct vx_pkt p = {};
	struct vx_verdict v = vx_classify(&bo->env, &p, f, f + len, 0);

	if (bpf_classify(bo->b, f, len, cls, conf) != 0)
		return -1;
	if (v.cls != *cls || (VX_CLASS_IS_VPN(v.cls) && v.conf != *conf)) {
		printf("# userspace says %s/%s, BPF %s/%s\n", vx_class_name(v.cls),
		       vx_conf_names[v.conf % VX_NCONF], vx_class_name((unsigned)*cls),
		       vx_conf_names[*conf % VX_NCONF]);
		return -1;
	}
	return 0;
}

int main(void)
{
	struct vx_compiled *comp = calloc(1, sizeof(*comp));
	struct vx_policy pol;
	struct br b;
	int fails, err;

	if (geteuid() != 0) {
		printf("SKIP payload_bpf: needs root for BPF_PROG_TEST_RUN\n");
		return 0;
	}
	if (!comp)
		return 1;
	vx_policy_init(&pol);
	vx_policy_compile(&pol, comp);
	err = br_open(&b, comp, 4096);
	if (err) {
		printf("FAIL payload_bpf_load: cannot load the program: %s\n", strerror(-err));
		return 1;
	}
	printf("PASS payload_bpf_load\n");
	fails = rv_all(bpf_classify, &b, "payload_bpf");

	/* a flow cache of 16 entries: 40 WARP flows off WARP's port, each known
	 * only by its handshake; the cache holds at most 16 of them (LRU),
	 * and the latest still classifies its data */
	br_close(&b);
	err = br_open(&b, comp, 16);
	if (err) {
		printf("FAIL payload_bpf_lru: cannot load: %s\n", strerror(-err));
		fails++;
	} else {
		struct vx_flow_key k, next;
		int n = 0, bad = 0;
		void *prev = NULL;

		for (int i = 0; i < 40; i++) {
			struct cr_spec s = { .proto = IPPROTO_UDP, .sport = (uint16_t)(20000 + i),
					     .dport = 33408, .host = 7 };

			bad += rv_check(bpf_classify, &b, "payload_bpf_lru", "handshake", &s,
					"148 aa 0:c1112233 132:00000000000000000000000000000000",
					VX_C_WARP, PAY);
			if (i == 39)
				bad += rv_check(bpf_classify, &b, "payload_bpf_lru", "latest_data", &s,
						"128 aa 0:c4112233", VX_C_WARP, PAY);
		}
		while (bpf_map_get_next_key(bpf_map__fd(b.skel->maps.vx_flows), prev, &next) == 0) {
			k = next;
			prev = &k;
			n++;
		}
		if (n > 16 || n == 0) {
			printf("FAIL payload_bpf_lru_size: %d entries in a 16-entry cache\n", n);
			bad++;
		} else {
			printf("PASS payload_bpf_lru_size\n");
		}
		fails += bad;
	}

	/* what needs no memory gets none: UDP confirmed on its signature's
	 * port leaves the flow cache empty; a WireGuard handshake on another
	 * port takes an entry (its data messages count on it), and so does a
	 * TCP flow known by its payload (its ACKs need it).  The counts are
	 * of the cache after each packet. */
	br_close(&b);
	err = br_open(&b, comp, 64);
	if (!err) {
		static const struct { struct cr_spec s; const char *pl; int cls, conf, entries; } st[] = {
			{ { .proto = IPPROTO_UDP, .sport = 40000, .dport = 51820 }, "128 aa 0:04000000", VX_C_WIREGUARD, VER, 0 },
			{ { .proto = IPPROTO_UDP, .sport = 40001, .dport = 40404 }, "148 aa 0:01000000", VX_C_WIREGUARD, PAY, 1 },
			{ { .proto = IPPROTO_UDP, .sport = 500, .dport = 500 }, "64 00 0:" IKE2, VX_C_IKE, VER, 1 },
			{ { .proto = IPPROTO_TCP, .sport = 40002, .dport = 443 }, "16 aa 0:000e38 11:0000000000", VX_C_OPENVPN, PAY, 2 },
		};
		for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
			struct vx_flow_key k, next;
			void *prev = NULL;
			char name[48];
			int n = 0;

			snprintf(name, sizeof(name), "memory_%zu", i);
			fails += rv_check(bpf_classify, &b, "payload_bpf", name, &st[i].s,
					  st[i].pl, st[i].cls, st[i].conf);
			while (bpf_map_get_next_key(bpf_map__fd(b.skel->maps.vx_flows), prev, &next) == 0) {
				k = next;
				prev = &k;
				n++;
			}
			if (n != st[i].entries) {
				printf("FAIL payload_bpf_%s_entries: %d flows cached, want %d\n",
				       name, n, st[i].entries);
				fails++;
			} else {
				printf("PASS payload_bpf_%s_entries\n", name);
			}
		}
	} else {
		printf("FAIL payload_bpf_memory: cannot load: %s\n", strerror(-err));
		fails++;
	}

	/* differential: both classifiers, same frames, same order, each with
	 * its own caches: they agree on every packet */
	br_close(&b);
	err = br_open(&b, comp, 4096);
	if (!err) {
		struct vx_fcache flows, frags;
		struct both bo = { .b = &b };

		vx_fcache_init(&flows, sizeof(struct vx_flow_key), 4096);
		vx_fcache_init_frags(&frags, 4096);
		bo.env = (struct vx_env){ .pol = comp, .flows = &flows, .frags = &frags };
		fails += rv_all(both_classify, &bo, "payload_diff");
		vx_fcache_free(&flows);
		vx_fcache_free(&frags);
	} else {
		printf("FAIL payload_diff: cannot load: %s\n", strerror(-err));
		fails++;
	}
	br_close(&b);
	vx_policy_free(&pol);
	free(comp);
	return fails ? 1 : 0;
}
