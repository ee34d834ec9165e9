// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the userspace classifier on arbitrary frames, with the
 * default policy (and the obfuscated-OpenVPN heuristic on) and flow,
 * fragment and heuristic caches that persist across inputs (so cache paths
 * are exercised too).  Built with -fsanitize=fuzzer,address,
 * undefined: any out-of-bounds read of the frame is a crash.
 *
 * Half the inputs are raw frames; the other half are wrapped in valid
 * Ethernet/IP/UDP-or-TCP headers first (ports and IP version from the first
 * bytes) so that the fuzzer spends its time in the payload checks rather
 * than rediscovering header checksums and lengths; inputs whose first byte
 * ends in 0xe are wrapped in a tunnel (tests/classify/tunnels.h, chosen by
 * the second byte) around the rest, so the tunnel parsers see frames whose
 * outer headers hold.  With VX_FUZZ_SEEDS=DIR the crafted tunnelled
 * frames of tunnels.h are written to DIR first (test_fuzz.sh passes its
 * corpus).  Also checks
 * what must hold for every input: a known class and confidence, that
 * "other" never comes with a payload-only confidence, and that the fast
 * path's prefilters (vx_find_udp_may, vx_find_tcp_may) cover every hit of
 * the checks they stand in front of.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "classify_user.h"
#include "classify/craft.h"
#include "classify/runvec.h"

static struct vx_compiled *comp;
static struct vx_fcache flows, frags, heur;
static struct vx_env env;

static void setup(void)
{
	struct vx_policy pol;

	comp = calloc(1, sizeof(*comp));
	if (!comp || vx_fcache_init(&flows, sizeof(struct vx_flow_key), 4096) ||
	    vx_fcache_init_frags(&frags, 4096) ||
	    vx_fcache_init_val(&heur, sizeof(struct vx_flow_key),
			       sizeof(struct vx_heur_val), 4096))
		abort();
	vx_policy_init(&pol);
	vx_policy_compile(&pol, comp);
	vx_policy_free(&pol);
	/* the obfuscated-OpenVPN heuristic on: its state machine is fuzzed
	 * too (the default policy with it is otherwise the default's) */
	comp->heur = VX_HEUR_OVPN_OBFS;
	env = (struct vx_env){ .pol = comp, .flows = &flows, .frags = &frags,
			       .heur = &heur };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Seeds: every tunnelled frame of tunnels.h, as a raw frame. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("VX_FUZZ_SEEDS");
	uint8_t f[CR_MAX];
	char path[4096];

	(void)argc;
	(void)argv;
	for (size_t i = 0; dir && i < TUN_NVECTORS; i++) {
		size_t n = tun_build(f, &tun_vectors[i], 1);
		FILE *o;

		snprintf(path, sizeof(path), "%s/tunnel_%s", dir, tun_vectors[i].name);
		if (!n || !(o = fopen(path, "wb")))
			continue;
		fwrite(f, 1, n, o);
		fclose(o);
	}
	return 0;
}

/* The tunnels the third mode wraps in (tun_wrap1() names). */
static const char *const fuzz_wraps[] = {
	"qinq pppoe", "mpls2", "ip4", "ip6", "gre", "grecks", "greteb",
	"vxlan", "geneve", "geneveip", "gtpu", "gtpuext",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_pkt p = {};
	struct vx_verdict v;
	uint8_t *copy;

	if (!comp)
		setup();
	if (size >= 6 && (data[0] & 1)) {
		/* structured: [mode][sport 2][dport 2][frag] payload... */
		static uint8_t frame[CR_MAX];
		struct cr_spec s = {
			.v6 = (data[0] >> 1) & 1,
			.proto = (data[0] & 4) ? IPPROTO_TCP : IPPROTO_UDP,
			.sport = (uint16_t)(data[1] << 8 | data[2]),
			.dport = (uint16_t)(data[3] << 8 | data[4]),
			.swap = (data[0] >> 3) & 1,
			.frag_first = (data[5] & 3) == 1,
			.frag_off = (data[5] & 3) == 2 ? (uint16_t)(data[5] >> 2) + 1 : 0,
			.frag_id = data[5] >> 4,
		};
		size_t plen = size - 6 > 1400 ? 1400 : size - 6;

		size = cr_build(frame, &s, data + 6, plen);
		if (!size)
			return 0;
		data = frame;
	} else if (size >= 17 && (data[0] & 0x0f) == 0x0e) {
		/* tunnel: [mode][wrap] then an Ethernet frame (at least a
		 * header's worth) to wrap */
		static uint8_t frame[CR_MAX + 128];
		const char *w = fuzz_wraps[data[1] % (sizeof(fuzz_wraps) / sizeof(fuzz_wraps[0]))];
		size_t n = size - 2 > 1400 ? 1400 : size - 2;
		int eth = 1;

		size = tun_wrap1(frame, w, data + 2, n, &eth);
		if (!size)
			return 0;
		data = frame;
	}
	/* an exact-size heap copy: ASan sees any read past its end */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	v = vx_classify(&env, &p, copy, copy + size, 0);
	if (v.cls >= VX_NCLASS || v.conf >= VX_NCONF)
		abort();
	if (v.cls == VX_C_OTHER && v.conf == VX_CONF_PAYLOAD)
		abort();
	/* the XDP fast path skips the any-port checks where these say no:
	 * they must say yes wherever the checks would find something */
	if (p.payload && p.payload_len && p.l4proto == IPPROTO_UDP &&
	    vx_find_udp(&p, copy + size) && !vx_find_udp_may(&p, copy + size))
		abort();
	if (p.payload && p.payload_len && p.l4proto == IPPROTO_TCP &&
	    vx_find_tcp(&p, copy + size) && !vx_find_tcp_may(&p, copy + size))
		abort();
	free(copy);
	return 0;
}
