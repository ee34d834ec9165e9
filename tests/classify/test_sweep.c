// SPDX-License-Identifier: GPL-2.0
/*
 * False-positive sweeps through the userspace classifier with the default
 * policy and its caches (flows and fragments), as the XDP program runs
 * (test_differential and test_payload_bpf hold the two classifiers to the
 * same answers):
 *   - every DNS query id 0x0000-0xffff, RD clear and set, at every length
 *     from 16 to 512 bytes, to UDP 53, and with an EDNS OPT record at every
 *     fifth length (each length for some ids): never VPN;
 *   - the same headers at a sample of lengths to a high port, where no
 *     well-known service check applies: never VPN;
 *   - 1,000,000 random UDP payloads (lengths 1-1472) on random ports that
 *     carry no signature of the default policy, each its own flow, and
 *     100,000 more in 2,000 flows of 50 packets: never VPN.
 * A fixed seed: a failure names the frame, which reruns the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "classify_user.h"
#include "classify/craft.h"
#include "core/names.h"

static uint64_t rng = 0x5eed5eed1234abcdull;

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32);
}

struct sweep {
	struct vx_compiled *comp;
	struct vx_fcache flows, frags;
	struct vx_env env;
	unsigned long frames, vpn;
	char first[256];
};

static int sweep_open(struct sweep *s)
{
	struct vx_policy pol;

	memset(s, 0, sizeof(*s));
	s->comp = calloc(1, sizeof(*s->comp));
	if (!s->comp)
		return -1;
	vx_policy_init(&pol);
	vx_policy_compile(&pol, s->comp);
	vx_policy_free(&pol);
	if (vx_fcache_init(&s->flows, sizeof(struct vx_flow_key), VX_FLOWS_DEFAULT) ||
	    vx_fcache_init_frags(&s->frags, VX_FRAGS_MAX))
		return -1;
	s->env = (struct vx_env){ .pol = s->comp, .flows = &s->flows, .frags = &s->frags };
	return 0;
}

static void sweep_close(struct sweep *s)
{
	vx_fcache_free(&s->flows);
	vx_fcache_free(&s->frags);
	free(s->comp);
}

/* One UDP datagram through the classifier; returns its class (a VPN
 * verdict is counted). */
static unsigned run(struct sweep *s, const struct cr_spec *sp, const uint8_t *pl,
		    size_t len)
{
	uint8_t frame[CR_MAX + 2];
	struct vx_pkt p = {};
	struct vx_verdict v;
	size_t n = cr_build(frame + 2, sp, pl, len);

	if (!n)
		return VX_C_OTHER;
	v = vx_classify(&s->env, &p, frame + 2, frame + 2 + n, 0);
	s->frames++;
	s->vpn += VX_CLASS_IS_VPN(v.cls);
	return v.cls;
}

/* A DNS query of @len bytes (>= 16): header, a name of labels filling what
 * the question and the OPT record (@edns, 11 bytes) leave, QTYPE A. */
static size_t dns_query(uint8_t *b, size_t len, uint16_t id, int rd, int edns)
{
	size_t name = len - 12 - 4 - (edns ? 11 : 0), i = 12;

	memset(b, 0, len);
	cr_put16(b, id);
	b[2] = rd ? 0x01 : 0x00;
	cr_put16(b + 4, 1);
	cr_put16(b + 10, edns ? 1 : 0);
	/* labels of up to 63 bytes, then the root's 0 */
	while (name > 1) {
		size_t l = name - 1 > 64 ? 63 : name - 2;

		if (l == 0)
			break;
		b[i++] = (uint8_t)l;
		for (size_t k = 0; k < l; k++)
			b[i++] = (uint8_t)('a' + (id + k) % 26);
		name -= l + 1;
	}
	while (name--)
		b[i++] = 0;
	cr_put16(b + i, 1);
	cr_put16(b + i + 2, 1);
	i += 4;
	if (edns) {
		b[i + 1] = 0;
		cr_put16(b + i + 1, 41);
		cr_put16(b + i + 3, 1232);
		i += 11;
	}
	return i;
}

/* Every id and RD at lengths 16 + k * @step (plain) and 27 + k * @estep
 * (EDNS), the start of the range moving with the id so that a sample
 * still covers every length. */
static void sweep_dns(struct sweep *s, uint16_t port, size_t step, size_t estep,
		      const char *name)
{
	struct cr_spec sp = { .proto = IPPROTO_UDP, .dport = port };
	uint8_t b[512];
	clock_t t0 = clock();

	s->frames = s->vpn = 0;
	for (uint32_t id = 0; id <= 0xffff; id++) {
		sp.sport = (uint16_t)(33000 + (id & 0x3ff));
		sp.v6 = (int)(id & 1);
		for (int rd = 0; rd < 2; rd++)
			for (int edns = 0; edns < 2; edns++) {
				size_t st = edns ? estep : step, min = edns ? 28 : 16;

				for (size_t len = min + (id % st); len <= 512; len += st) {
					unsigned c;
					size_t n = dns_query(b, len, (uint16_t)id, rd, edns);

					c = run(s, &sp, b, n);
					if (VX_CLASS_IS_VPN(c) && s->vpn == 1)
						snprintf(s->first, sizeof(s->first),
							 "DNS id 0x%04x rd %d%s, %zu bytes: %s",
							 id, rd, edns ? " edns" : "", n,
							 vx_class_name(c));
				}
			}
	}
	printf("# %s: %lu queries in %.1f s, %lu called VPN\n", name, s->frames,
	       (double)(clock() - t0) / CLOCKS_PER_SEC, s->vpn);
	begin();
	expect(s->frames > 0 && s->vpn == 0, "%lu of %lu called VPN; first: %s", s->vpn,
	       s->frames, s->first);
	result(ok_now, why, "%s", name);
}

/* A port with no signature in the default policy (UDP), above 1023. */
static uint16_t free_port(const struct sweep *s)
{
	for (;;) {
		uint16_t p = (uint16_t)(1024 + rnd() % (65536 - 1024));

		if (!s->comp->sigs[VX_L4_UDP][p].cls)
			return p;
	}
}

static void sweep_random(struct sweep *s, unsigned long flows, unsigned per_flow,
			 const char *name)
{
	struct cr_spec sp = { .proto = IPPROTO_UDP };
	uint8_t b[1472];
	clock_t t0 = clock();

	s->frames = s->vpn = 0;
	for (unsigned long f = 0; f < flows; f++) {
		sp.sport = free_port(s);
		sp.dport = free_port(s);
		sp.v6 = (int)(rnd() & 1);
		sp.host = (uint8_t)(1 + rnd() % 250);
		for (unsigned k = 0; k < per_flow; k++) {
			size_t len = 1 + rnd() % sizeof(b);

			for (size_t i = 0; i < len; i += 4) {
				uint32_t r = rnd();

				memcpy(b + i, &r, len - i < 4 ? len - i : 4);
			}
			sp.swap = (int)(rnd() & 1);
			if (VX_CLASS_IS_VPN(run(s, &sp, b, len)) && s->vpn == 1)
				snprintf(s->first, sizeof(s->first),
					 "random payload %zu bytes %u -> %u, first %02x%02x%02x%02x",
					 len, sp.sport, sp.dport, b[0], b[1], b[2], b[3]);
		}
	}
	printf("# %s: %lu datagrams in %lu flows in %.1f s, %lu called VPN\n", name,
	       s->frames, flows, (double)(clock() - t0) / CLOCKS_PER_SEC, s->vpn);
	begin();
	expect(s->frames == flows * per_flow && s->vpn == 0,
	       "%lu of %lu called VPN; first: %s", s->vpn, s->frames, s->first);
	result(ok_now, why, "%s", name);
}

int main(void)
{
	struct sweep s;

	begin();
	expect(sweep_open(&s) == 0, "out of memory");
	result(ok_now, why, "sweep_open");
	if (!ok_now)
		return 1;
	sweep_dns(&s, 53, 1, 5, "dns_every_id_rd_len_16_512_port53_never_vpn");
	sweep_dns(&s, 40053, 37, 37, "dns_every_id_rd_sampled_len_highport_never_vpn");
	sweep_random(&s, 1000000, 1, "random_udp_1000000_datagrams_never_vpn");
	sweep_random(&s, 2000, 50, "random_udp_2000_flows_of_50_never_vpn");
	sweep_close(&s);
	return n_fail ? 1 : 0;
}
