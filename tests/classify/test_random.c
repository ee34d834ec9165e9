// SPDX-License-Identifier: GPL-2.0
/*
 * False positives on traffic that is not VPN: random UDP payloads on ports
 * no signature names (random high ports, DNS 53, NTP 123), one datagram
 * per flow and as flows of several datagrams, through the userspace
 * classifier and the compiled XDP program (BPF_PROG_TEST_RUN), each with
 * its own caches: not one may be called VPN, and the two must agree on
 * every frame.  Then every DNS id with RD=0 and RD=1 at ten lengths, to 53
 * and to a high port; a million random payloads through the userspace
 * classifier alone; and the DNS query of issue 11 (ID 0x0400, RD=0, a
 * length that is a multiple of 16: the shape of WireGuard data) under both.
 * The generator has a fixed seed: a failure repeats.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "classify_user.h"
#include "classify/bpfrun.h"
#include "classify/craft.h"
#include "core/names.h"

/* xorshift64*: deterministic, good enough to look like ciphertext */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dull;
}

/* A port no UDP signature of @comp names, 1024 and up. */
static uint16_t free_port(const struct vx_compiled *comp)
{
	for (;;) {
		uint16_t p = (uint16_t)(1024 + rnd() % (65536 - 1024));

		if (!comp->sigs[VX_L4_UDP][p].cls)
			return p;
	}
}

struct tally {
	long frames, vpn_user, vpn_bpf, disagree, bpf_err;
};

/* One frame through the userspace classifier (@env) and, if @b, the BPF
 * program; counts what each called VPN. */
static void run_frame(struct vx_env *env, struct br *b, const uint8_t *f,
		      size_t len, struct tally *t)
{
	struct vx_pkt p = {};
	struct vx_verdict v = vx_classify(env, &p, f, f + len, 0);
	int cls = 0, conf = 0;

	t->frames++;
	if (VX_CLASS_IS_VPN(v.cls)) {
		if (t->vpn_user < 5)
			printf("# userspace called a random frame %s/%s (%zu bytes)\n",
			       vx_class_name(v.cls), vx_conf_names[v.conf % VX_NCONF], len);
		t->vpn_user++;
		if (getenv("VX_RANDOM_DUMP")) {
			for (size_t i = 0; i < len; i++)
				printf("%02x", f[i]);
			printf("\n");
		}
	}
	if (!b)
		return;
	if (br_classify(b, f, len, &cls, &conf, NULL) != 0) {
		t->bpf_err++;
		return;
	}
	if (VX_CLASS_IS_VPN(cls))
		t->vpn_bpf++;
	if (cls != v.cls || (VX_CLASS_IS_VPN(v.cls) && conf != v.conf))
		t->disagree++;
}

/*
 * A random payload into @pl, its length returned.  Half are dense (every
 * byte random: ciphertext, compressed data), half sparse (three bytes in
 * four zero: the counters, lengths and flags of a structured header); half
 * the lengths are uniform, half the lengths VPN handshakes and the
 * multiples of 16 that the length checks look for.
 */
static size_t rnd_payload(uint8_t *pl, size_t max)
{
	static const uint16_t lens[] = { 14, 26, 32, 42, 48, 54, 64, 66, 86, 92,
					 96, 128, 148, 160, 256, 512, 1024 };
	size_t plen = rnd() & 1 ? 1 + rnd() % max : lens[rnd() % (sizeof(lens) / sizeof(lens[0]))];
	int sparse = (int)(rnd() & 1);

	for (size_t j = 0; j < plen; j++) {
		uint64_t x = rnd();

		pl[j] = sparse && (x >> 8) % 4 ? 0 : (uint8_t)x;
	}
	return plen;
}

/* @flows flows of @per random datagrams each to @dport (0: a free high
 * port per flow), from random free source ports and hosts. */
static void run_random(struct vx_env *env, struct br *b, const struct vx_compiled *comp,
		       long flows, int per, uint16_t dport, struct tally *t)
{
	uint8_t pl[1400], frame[CR_MAX];

	for (long i = 0; i < flows; i++) {
		struct cr_spec s = { .proto = IPPROTO_UDP, .v6 = (int)(rnd() & 1) };

		s.sport = free_port(comp);
		s.dport = dport ? dport : free_port(comp);
		s.host = (uint8_t)(1 + rnd() % 250);
		for (int k = 0; k < per; k++) {
			size_t plen = rnd_payload(pl, sizeof(pl));

			s.swap = per > 1 && (rnd() & 1);
			run_frame(env, b, frame, cr_build(frame, &s, pl, plen), t);
		}
	}
}

static void report(const char *name, const struct tally *t, int bpf)
{
	begin();
	expect(t->vpn_user == 0, "%ld of %ld called VPN by the userspace classifier",
	       t->vpn_user, t->frames);
	if (bpf) {
		expect(t->bpf_err == 0, "%ld frames the BPF run could not classify", t->bpf_err);
		expect(t->vpn_bpf == 0, "%ld of %ld called VPN by the BPF program",
		       t->vpn_bpf, t->frames);
		expect(t->disagree == 0, "the classifiers disagree on %ld frames", t->disagree);
	}
	printf("# %s: %ld frames, %ld called VPN (userspace), %ld (BPF)\n", name,
	       t->frames, t->vpn_user, bpf ? t->vpn_bpf : -1L);
	result(ok_now, why, "%s", name);
}

/* The example: a DNS query to 53 with ID 0x0400, RD=0. */
static const char dns_0400[] =
	"3207104f73d302000000000108004500003c000100004011f6acc0000201c000020280ee"
	"003500282ff604000000000100000000000006616161616161076578616d706c650000010001";

static void run_dns_example(struct vx_env *env, struct br *b)
{
	uint8_t f[CR_MAX];
	int n = cr_hex(f, sizeof(f), dns_0400), cls = -1, conf = -1;
	struct vx_pkt p = {};
	struct vx_verdict v;

	begin();
	expect(n == 74, "the example frame does not parse as hex (%d)", n);
	if (n == 74) {
		v = vx_classify(env, &p, f, f + n, 0);
		expect(v.cls == VX_C_OTHER, "userspace: %s", vx_class_name(v.cls));
		expect(!b || br_classify(b, f, (size_t)n, &cls, &conf, NULL) == 0,
		       "the BPF run failed");
		expect(!b || cls == VX_C_OTHER, "BPF: %s", vx_class_name((unsigned)cls));
	}
	result(ok_now, why, "issue11_dns_id0400_other");
}

/* A DNS query of @len bytes (16 and up): @id, RD or not, one question whose
 * name fills the rest in labels of at most 63 bytes. */
static size_t dns_query(uint8_t *pl, uint16_t id, int rd, size_t len)
{
	size_t n = 12, name = len - 16;

	memset(pl, 0, len);
	cr_put16(pl, id);
	pl[2] = rd ? 0x01 : 0x00;
	pl[5] = 1;
	while (name > 1) {
		size_t l = name - 1 > 63 ? 63 : name - 1;

		pl[n++] = (uint8_t)l;
		memset(pl + n, 'a', l);
		n += l;
		name -= l + 1;
	}
	n = len - 4;
	pl[n + 1] = 1;
	pl[n + 3] = 1;
	return len;
}

/* Every DNS id, RD=0 and RD=1, at lengths the VPN length checks look for,
 * to 53 and to a high port; every 97th id through the BPF program too. */
static void run_dns_sweep(struct vx_env *env, struct br *b, struct tally *t)
{
	static const uint16_t lens[] = { 16, 32, 48, 54, 64, 92, 128, 148, 256, 512 };
	uint8_t pl[512], frame[CR_MAX];

	for (uint32_t id = 0; id < 65536; id++) {
		for (int k = 0; k < 2 * (int)(sizeof(lens) / sizeof(lens[0])); k++) {
			struct cr_spec s = { .proto = IPPROTO_UDP, .sport = 33006,
					     .dport = k & 1 ? 40053 : 53, .host = (uint8_t)(1 + id % 200) };
			size_t len = dns_query(pl, (uint16_t)id, k & 2 ? 1 : 0, lens[k / 2]);

			run_frame(env, id % 97 ? NULL : b, frame, cr_build(frame, &s, pl, len), t);
		}
	}
}

static void with_env(struct vx_env *env, const struct vx_compiled *comp,
		     struct vx_fcache *flows, struct vx_fcache *frags)
{
	vx_fcache_init(flows, sizeof(struct vx_flow_key), 65536);
	vx_fcache_init_frags(frags, 4096);
	*env = (struct vx_env){ .pol = comp, .flows = flows, .frags = frags };
}

int main(void)
{
	struct vx_compiled *comp = calloc(1, sizeof(*comp));
	struct vx_fcache flows, frags;
	struct tally t;
	struct vx_policy pol;
	struct vx_env env;
	struct br b;
	int have_bpf = 0;

	if (!comp)
		return 1;
	vx_policy_init(&pol);
	vx_policy_compile(&pol, comp);
	if (geteuid() == 0 && br_open(&b, comp, 65536) == 0)
		have_bpf = 1;
	else
		printf("# no BPF run (needs root): the userspace classifier alone\n");
	with_env(&env, comp, &flows, &frags);

	run_dns_example(&env, have_bpf ? &b : NULL);
	t = (struct tally){ 0 };
	run_random(&env, have_bpf ? &b : NULL, comp, 15000, 1, 0, &t);
	report("random_highports_15000", &t, have_bpf);
	t = (struct tally){ 0 };
	run_random(&env, have_bpf ? &b : NULL, comp, 5000, 1, 53, &t);
	report("random_dns53_5000", &t, have_bpf);
	t = (struct tally){ 0 };
	run_random(&env, have_bpf ? &b : NULL, comp, 5000, 1, 123, &t);
	report("random_ntp123_5000", &t, have_bpf);
	/* flows of 12 datagrams: flow evidence is not made of noise */
	t = (struct tally){ 0 };
	run_random(&env, have_bpf ? &b : NULL, comp, 500, 12, 0, &t);
	report("random_flows_500x12", &t, have_bpf);

	t = (struct tally){ 0 };
	run_dns_sweep(&env, have_bpf ? &b : NULL, &t);
	report("dns_sweep_all_ids", &t, have_bpf);

	/* many more through the userspace classifier alone */
	vx_fcache_free(&flows);
	vx_fcache_free(&frags);
	with_env(&env, comp, &flows, &frags);
	t = (struct tally){ 0 };
	run_random(&env, NULL, comp, 1000000, 1, 0, &t);
	report("random_user_1000000", &t, 0);

	if (have_bpf)
		br_close(&b);
	vx_fcache_free(&flows);
	vx_fcache_free(&frags);
	vx_policy_free(&pol);
	free(comp);
	return n_fail ? 1 : 0;
}
