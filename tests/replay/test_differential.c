// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test: the classifier built for userspace (the same headers,
 * tests/lib/classify_user.h) and the BPF program run by BPF_PROG_TEST_RUN agree
 * on the class and confidence of every frame of every shared capture, their
 * truncations, and a crafted corpus (tests/replay/corpus.h).  With a policy
 * that drops some classes, the program drops exactly the frames whose class
 * the policy drops.
 *
 * Frames are fed in order to both sides, so state either side keeps between
 * frames (a flow cache) sees the same history.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/names.h"
#include "replay/capture.h"
#include "classify_user.h"
#include "core/log.h"
#include "policy/policy.h"
#include "replay/run.h"
#include "replay/corpus.h"
#include "replay/pcapdir.h"

struct vx_diff {
	const char *name;
	struct vx_replay *r;
	const struct vx_compiled *comp;
	struct vx_env env;
	struct vx_fcache flows, frags, heur; /* the userspace side's caches */
	unsigned long frames, class_diff, conf_diff, verdict_diff, errors;
	unsigned long seen[VX_MAX_CLASS];
	char first[512];
};

static void vx_hex(char *out, size_t len, const unsigned char *b, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && i < 48 && o + 3 < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%02x", b[i]);
}

/* One frame through both sides.  The userspace side reads from a buffer
 * that ends exactly at the frame so that ASan sees any read past it; the
 * frame starts 2 bytes in (NET_IP_ALIGN) so its IP header is 4-byte
 * aligned, as the parser's struct reads assume. */
static void vx_diff_frame(struct vx_diff *d, const unsigned char *data, size_t len)
{
	struct vx_replay_verdict bv;
	struct vx_verdict uv;
	struct vx_pkt p = {};
	unsigned char *buf = malloc(len + 2), *copy = buf + 2;
	bool want_drop;
	int rc;

	if (!buf)
		abort();
	memcpy(copy, data, len);
	uv = vx_classify(&d->env, &p, copy, copy + len, 0);
	rc = vx_replay_run(d->r, data, len, &bv);
	d->frames++;
	if (rc) {
		d->errors++;
		if (!d->first[0])
			snprintf(d->first, sizeof(d->first), "frame %lu (%zu bytes): "
				 "test run failed: %s", d->frames, len, strerror(-rc));
		free(buf);
		return;
	}
	if (bv.cls >= 0 && bv.cls < VX_MAX_CLASS)
		d->seen[bv.cls]++;
	/* The policies here are "CLASS ACTION" lines: one rule per class. */
	want_drop = VX_CLASS_IS_VPN(uv.cls) && d->comp->rules[uv.cls].nrules &&
		    d->comp->rules[uv.cls].rule[0].action == VX_ACT_DROP;
	if (bv.cls != uv.cls || bv.conf != uv.conf || bv.dropped != want_drop) {
		char hex[128] = "";

		if (bv.cls != uv.cls)
			d->class_diff++;
		else if (bv.conf != uv.conf)
			d->conf_diff++;
		else
			d->verdict_diff++;
		if (!d->first[0]) {
			vx_hex(hex, sizeof(hex), data, len);
			snprintf(d->first, sizeof(d->first),
				 "frame %lu (%zu bytes): bpf %s/%d%s, user %s/%d%s: %s",
				 d->frames, len, vx_class_name((unsigned int)bv.cls), bv.conf,
				 bv.dropped ? " dropped" : "", vx_class_name(uv.cls), uv.conf,
				 want_drop ? " (drop)" : "", hex);
		}
	}
	free(buf);
}

static int vx_diff_result(struct vx_diff *d, const char *check)
{
	if (d->frames == 0) {
		printf("FAIL %s: no frames\n", check);
		return 1;
	}
	if (d->class_diff || d->conf_diff || d->verdict_diff || d->errors) {
		printf("FAIL %s: %lu of %lu frames differ (class %lu, confidence %lu, "
		       "verdict %lu, errors %lu); first: %s\n", check,
		       d->class_diff + d->conf_diff + d->verdict_diff + d->errors,
		       d->frames, d->class_diff, d->conf_diff, d->verdict_diff,
		       d->errors, d->first);
		return 1;
	}
	printf("PASS %s (%lu frames agree)\n", check, d->frames);
	return 0;
}

/* Both sides start empty.  The userspace side's state is what struct
 * vx_env carries: the policy and the flow and fragment caches, made here
 * fresh and as large as the BPF side's maps, which vx_replay_open makes
 * fresh. */
static int vx_diff_open(struct vx_diff *d, const struct vx_policy *pol,
			const struct vx_compiled *comp)
{
	memset(d, 0, sizeof(*d));
	d->comp = comp;
	if (vx_fcache_init(&d->flows, sizeof(struct vx_flow_key), VX_FLOWS_DEFAULT) ||
	    vx_fcache_init_frags(&d->frags, VX_FRAGS_MAX) ||
	    vx_fcache_init_val(&d->heur, sizeof(struct vx_flow_key),
			       sizeof(struct vx_heur_val), VX_HEUR_FLOWS))
		return -1;
	d->env = (struct vx_env){ .pol = comp, .flows = &d->flows, .frags = &d->frags,
				  .heur = &d->heur };
	return vx_replay_open(&d->r, pol);
}

static void vx_diff_close(struct vx_diff *d)
{
	vx_replay_close(d->r);
	vx_fcache_free(&d->flows);
	vx_fcache_free(&d->frags);
	vx_fcache_free(&d->heur);
}

static void vx_diff_reset(struct vx_diff *d)
{
	d->frames = d->class_diff = d->conf_diff = d->verdict_diff = d->errors = 0;
	d->first[0] = '\0';
}

static int vx_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every frame of every capture in @dir, and (with @trunc) each cut at
 * lengths that end inside the headers or one byte short. */
static int vx_diff_captures(struct vx_diff *d, const char *dir, bool trunc)
{
	static const size_t cuts[] = { 14, 18, 20, 34, 38, 42, 46, 54, 58, 62, 70 };
	char *names[256], path[PATH_MAX + 300], err[600];
	struct dirent *de;
	int n = 0, ncap = 0;
	DIR *dp = opendir(dir);

	if (!dp)
		return -1;
	while ((de = readdir(dp)) && n < 256) {
		size_t l = strlen(de->d_name);

		if ((l > 5 && !strcmp(de->d_name + l - 5, ".pcap")) ||
		    (l > 7 && !strcmp(de->d_name + l - 7, ".pcapng")))
			names[n++] = strdup(de->d_name);
	}
	closedir(dp);
	qsort(names, (size_t)n, sizeof(names[0]), vx_name_cmp);
	for (int i = 0; i < n; i++) {
		struct vx_capture cap;
		struct vx_frame fr;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (vx_capture_open(&cap, path, err, sizeof(err)) == 0) {
			ncap++;
			while (vx_capture_next(&cap, &fr, err, sizeof(err)) == 1) {
				if (!fr.data || fr.len < 14)
					continue;
				if (!trunc) {
					vx_diff_frame(d, fr.data, fr.len);
					continue;
				}
				for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++)
					if (cuts[c] < fr.len)
						vx_diff_frame(d, fr.data, cuts[c]);
				vx_diff_frame(d, fr.data, fr.len - 1);
			}
			vx_capture_close(&cap);
		}
		free(names[i]);
	}
	return ncap;
}

static void vx_diff_corpus(struct vx_diff *d, const struct vxc_corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		vx_diff_frame(d, c->f[i].b, c->f[i].len);
}

static int vx_load_policy(struct vx_policy *pol, struct vx_compiled *comp,
			  const char *text)
{
	struct vx_diag diag;

	vx_policy_init(pol);
	if (text && vx_policy_parse_text(pol, text, strlen(text), "test", &diag)) {
		vx_diag_print(&diag);
		return -1;
	}
	vx_policy_compile(pol, comp);
	return 0;
}

int main(void)
{
	static const int must_see[] = { VX_C_OTHER, VX_C_WIREGUARD, VX_C_OPENVPN,
					VX_C_IKE, VX_C_ESP, VX_C_AH, VX_C_L2TP,
					VX_C_PPTP, VX_C_FRAGMENT };
	struct vx_compiled *comp = malloc(sizeof(*comp)), *drop = malloc(sizeof(*drop)),
			   *heur = malloc(sizeof(*heur));
	struct vx_policy pol_def = { 0 }, pol_drop = { 0 }, pol_heur = { 0 };
	struct vxc_corpus corpus = {};
	struct vx_diff d;
	char dir[PATH_MAX];
	int fails = 0, ncap = -1;
	bool have_pcap;

	vx_log_setup_libs(); /* libbpf's notes only with -v */
	if (geteuid() != 0) {
		printf("SKIP differential: needs root (BPF_PROG_TEST_RUN)\n");
		return 0;
	}
	if (!comp || !drop || !heur || vx_load_policy(&pol_def, comp, NULL) ||
	    vx_load_policy(&pol_drop, drop, "wireguard drop\nopenvpn drop\nike drop\n"
				 "esp drop\npptp drop\n") ||
	    vx_load_policy(&pol_heur, heur, "heuristic openvpn-obfuscated on\n"
				 "openvpn drop\n")) {
		printf("FAIL differential_setup: cannot build the policies\n");
		return 1;
	}
	vxc_generate(&corpus, 0x5eed);
	have_pcap = vx_pcap_dir(dir, sizeof(dir)) == 0 && access(dir, R_OK) == 0;

	/* Default policy. */
	if (vx_diff_open(&d, &pol_def, comp)) {
		printf("FAIL differential_setup: cannot load the BPF program\n");
		return 1;
	}
	vx_diff_corpus(&d, &corpus);
	fails += vx_diff_result(&d, "differential_crafted");
	{
		char missing[256] = "";

		for (size_t i = 0; i < sizeof(must_see) / sizeof(must_see[0]); i++)
			if (!d.seen[must_see[i]])
				snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
					 " %s", vx_class_name((unsigned int)must_see[i]));
		if (missing[0]) {
			printf("FAIL differential_crafted_coverage: no crafted frame was "
			       "counted as%s\n", missing);
			fails++;
		} else {
			printf("PASS differential_crafted_coverage (every class of the "
			       "default policy, other and fragment)\n");
		}
	}
	if (have_pcap) {
		vx_diff_reset(&d);
		ncap = vx_diff_captures(&d, dir, false);
		if (ncap <= 0) {
			printf("FAIL differential_shared: no capture readable in %s\n", dir);
			fails++;
		} else {
			fails += vx_diff_result(&d, "differential_shared");
		}
		vx_diff_reset(&d);
		vx_diff_captures(&d, dir, true);
		fails += vx_diff_result(&d, "differential_shared_truncated");
	} else {
		printf("SKIP differential_shared: no shared captures at %s (set VX_PCAP_DIR)\n", dir);
	}
	vx_diff_close(&d);

	/* A policy that drops: verdicts as well as classes. */
	if (vx_diff_open(&d, &pol_drop, drop)) {
		printf("FAIL differential_setup: cannot load the BPF program\n");
		return 1;
	}
	vx_diff_corpus(&d, &corpus);
	if (have_pcap)
		vx_diff_captures(&d, dir, false);
	if (!d.seen[VX_C_WIREGUARD] || !d.seen[VX_C_AH]) {
		printf("FAIL differential_drop_policy: corpus lacks a dropped "
		       "(wireguard) or a counted (ah) VPN class\n");
		fails++;
	} else {
		fails += vx_diff_result(&d, "differential_drop_policy");
	}
	vx_diff_close(&d);

	/* The obfuscated-OpenVPN heuristic on (tests/classify/test_heur
	 * feeds it scrambled flows; here everything else must agree too). */
	if (vx_diff_open(&d, &pol_heur, heur)) {
		printf("FAIL differential_setup: cannot load the BPF program\n");
		return 1;
	}
	vx_diff_corpus(&d, &corpus);
	if (have_pcap) {
		vx_diff_captures(&d, dir, false);
		vx_diff_captures(&d, dir, true);
	}
	fails += vx_diff_result(&d, "differential_heuristic_policy");
	vx_diff_close(&d);
	vxc_free(&corpus);
	free(comp);
	free(drop);
	free(heur);
	vx_policy_free(&pol_def);
	vx_policy_free(&pol_drop);
	vx_policy_free(&pol_heur);
	return fails ? 1 : 0;
}
