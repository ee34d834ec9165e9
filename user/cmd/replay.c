// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp replay [--policy FILE] [--frames] [--json] CAPTURE...
 *
 * Dry run of a policy: every frame of the captures goes through the real
 * compiled XDP program (BPF_PROG_TEST_RUN; nothing is attached), and the
 * result is printed per flow: the class the program counted it under, how
 * sure it was, packets, bytes and what it dropped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/caps.h"
#include "core/exit.h"
#include "core/log.h"
#include "core/names.h"
#include "policy/policy.h"
#include "replay/capture.h"
#include "replay/flows.h"
#include "replay/run.h"
#include "replay/wire.h"

/* The transport's name, or "ipN". */
static const char *vx_l4_str(__u8 proto, char *buf, size_t len)
{
	const char *n = vx_l4_name(proto);

	if (n)
		return n;
	snprintf(buf, len, "ip%u", proto);
	return buf;
}

static void vx_addr_str(const struct vx_flow *fl, const __u32 *a, char *buf,
			size_t len)
{
	if (!inet_ntop(fl->ipver == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static int vx_replay_json(const struct vx_flows *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct vx_flow *fl = &f->v[i];
		char ca[INET6_ADDRSTRLEN], sa[INET6_ADDRSTRLEN], l4[16];
		int cls = vx_flow_class(fl);
		json_t *o = json_object();
		char *s;

		vx_addr_str(fl, fl->caddr, ca, sizeof(ca));
		vx_addr_str(fl, fl->saddr, sa, sizeof(sa));
		json_object_set_new(o, "l4", json_string(vx_l4_str(fl->l4proto, l4, sizeof(l4))));
		json_object_set_new(o, "src", json_string(ca));
		json_object_set_new(o, "sport", json_integer(fl->cport));
		json_object_set_new(o, "dst", json_string(sa));
		json_object_set_new(o, "dport", json_integer(fl->sport));
		json_object_set_new(o, "protocol", cls >= 0 ?
				    json_string(vx_class_name((unsigned int)cls)) : json_null());
		json_object_set_new(o, "confidence", VX_CLASS_IS_VPN(cls) ?
				    json_string(vx_conf_name((unsigned int)vx_flow_conf(fl, cls))) :
				    json_null());
		json_object_set_new(o, "packets", json_integer((json_int_t)fl->packets));
		json_object_set_new(o, "bytes", json_integer((json_int_t)fl->bytes));
		json_object_set_new(o, "dropped", json_integer((json_int_t)fl->dropped));
		if (vx_flow_nclasses(fl) > 1) {
			json_t *cl = json_object();

			for (int c = 0; c < VX_MAX_CLASS; c++)
				if (fl->cls[c])
					json_object_set_new(cl, vx_class_name((unsigned int)c),
							    json_integer((json_int_t)fl->cls[c]));
			json_object_set_new(o, "classes", cl);
		}
		/* Notes, only when there is something to note. */
		if (fl->encap[VX_ENC_NONE] != fl->packets - fl->uncounted) {
			json_t *en = json_object();

			for (int k = 0; k < VX_NENC; k++)
				if (fl->encap[k])
					json_object_set_new(en, vx_encap_names[k],
							    json_integer((json_int_t)fl->encap[k]));
			json_object_set_new(o, "encap", en);
		}
		if (fl->truncated)
			json_object_set_new(o, "truncated", json_integer((json_int_t)fl->truncated));
		if (fl->uncounted)
			json_object_set_new(o, "uncounted", json_integer((json_int_t)fl->uncounted));
		if (fl->not_run)
			json_object_set_new(o, "not_run", json_integer((json_int_t)fl->not_run));
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(o);
		if (!s)
			return -ENOMEM;
		puts(s);
		free(s);
	}
	return 0;
}

static void vx_replay_text(const struct vx_flows *f)
{
	int aw = 15; /* address column: IPv4, or IPv6 when there is one */

	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].ipver == 6)
			aw = 39;
	printf("%-6s %-*s %5s  %-*s %5s  %-10s %-8s %8s %10s %7s  %s\n", "l4", aw,
	       "client", "port", aw, "server", "port", "class", "conf", "packets",
	       "bytes", "dropped", "classes");
	for (size_t i = 0; i < f->n; i++) {
		const struct vx_flow *fl = &f->v[i];
		char ca[INET6_ADDRSTRLEN], sa[INET6_ADDRSTRLEN], l4[16];
		int cls = vx_flow_class(fl);

		vx_addr_str(fl, fl->caddr, ca, sizeof(ca));
		vx_addr_str(fl, fl->saddr, sa, sizeof(sa));
		printf("%-6s %-*s %5u  %-*s %5u  %-10s %-8s %8llu %10llu %7llu  ",
		       vx_l4_str(fl->l4proto, l4, sizeof(l4)), aw, ca, fl->cport,
		       aw, sa, fl->sport,
		       cls >= 0 ? vx_class_name((unsigned int)cls) : "-",
		       VX_CLASS_IS_VPN(cls) ? vx_conf_name((unsigned int)vx_flow_conf(fl, cls)) : "-",
		       (unsigned long long)fl->packets, (unsigned long long)fl->bytes,
		       (unsigned long long)fl->dropped);
		if (vx_flow_nclasses(fl) > 1) {
			const char *sep = "";

			for (int c = 0; c < VX_MAX_CLASS; c++) {
				if (!fl->cls[c])
					continue;
				printf("%s%s:%llu", sep, vx_class_name((unsigned int)c),
				       (unsigned long long)fl->cls[c]);
				sep = ",";
			}
		} else {
			putchar('-');
		}
		if (fl->truncated)
			printf("  (%llu truncated)", (unsigned long long)fl->truncated);
		if (fl->not_run)
			printf("  (%llu not run: size)", (unsigned long long)fl->not_run);
		for (int k = VX_ENC_NONE + 1; k < VX_NENC; k++)
			if (fl->encap[k])
				printf("  (%llu in %s)", (unsigned long long)fl->encap[k],
				       vx_encap_names[k]);
		putchar('\n');
	}
}

/* Per class, the frames that came through a tunnel, by the outermost
 * encapsulation; one line, only when there were any. */
static void vx_replay_encap_summary(FILE *out, const struct vx_flows *f)
{
	const char *sep = "tunnelled (class in encapsulation: frames): ";
	int any = 0;

	for (int c = 0; c < VX_MAX_CLASS; c++)
		for (int k = VX_ENC_NONE + 1; k < VX_NENC; k++) {
			if (!f->cls_encap[c][k])
				continue;
			fprintf(out, "%s%s in %s: %llu", sep, vx_class_name((unsigned int)c),
				vx_encap_names[k], (unsigned long long)f->cls_encap[c][k]);
			sep = "; ";
			any = 1;
		}
	if (any)
		fputc('\n', out);
}

/* One line on what was read and what is in no flow.  On stdout after the
 * table; on stderr with --json, where stdout holds only flows. */
static void vx_replay_summary(FILE *out, const struct vx_flows *f, int ncap)
{
	fprintf(out, "%llu frames (%llu bytes) from %d capture%s in %zu flows; "
		"%llu dropped; %llu not IP; %llu malformed (no IP addresses); "
		"%llu not run (size); %llu truncated by the capture (caplen < len)",
		(unsigned long long)f->frames, (unsigned long long)f->bytes, ncap,
		ncap == 1 ? "" : "s", f->n, (unsigned long long)f->dropped,
		(unsigned long long)f->not_ip, (unsigned long long)f->no_ip_addr,
		(unsigned long long)f->not_run, (unsigned long long)f->truncated);
	/* Frames of a PPP or HDLC link that carry no IP, with the link's
	 * reasons. */
	fprintf(out, "; %llu skipped (link protocol not IP", (unsigned long long)f->skipped);
	for (size_t i = 0; i < f->nskip_why; i++)
		fprintf(out, "%s %s x%llu", i ? "," : ":", f->skip_why[i].why,
			(unsigned long long)f->skip_why[i].n);
	fputs(")\n", out);
	vx_replay_encap_summary(out, f);
}

/* How to print. */
struct vx_replay_out {
	bool json;
	bool frames; /* a line per frame too, as it is run */
};

/* One frame's line for --frames: @v NULL when it was not run, then @why
 * says why ("size", or the link's reason). */
static int vx_replay_frame(const struct vx_replay_out *o, const char *path,
			   unsigned long long no,
			   const struct vx_replay_verdict *v, const char *why,
			   bool skipped)
{
	const char *cls = v && v->cls >= 0 ? vx_class_name((unsigned int)v->cls) : NULL;
	const char *conf = v && VX_CLASS_IS_VPN(v->cls) && v->conf >= 0 ?
			   vx_conf_name((unsigned int)v->conf) : NULL;
	json_t *j;
	char *s;

	if (!o->json) {
		printf("frame %llu %s: %s %s%s%s%s\n", no, path, cls ? cls : "-",
		       conf ? conf : "-", v && v->dropped ? " dropped" : "",
		       why ? (skipped ? " skipped: " : " not run: ") : "",
		       why ? why : "");
		return 0;
	}
	j = json_object();
	json_object_set_new(j, "frame", json_integer((json_int_t)no));
	json_object_set_new(j, "capture", json_string(path));
	json_object_set_new(j, "protocol", cls ? json_string(cls) : json_null());
	json_object_set_new(j, "confidence", conf ? json_string(conf) : json_null());
	json_object_set_new(j, "dropped", json_boolean(v && v->dropped));
	if (why)
		json_object_set_new(j, skipped ? "skipped" : "not_run", json_string(why));
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (!s)
		return -ENOMEM;
	puts(s);
	free(s);
	return 0;
}

/* Every frame of one capture through the program. */
static int vx_replay_capture(struct vx_replay *r, struct vx_capture *cap,
			     struct vx_flows *f, const struct vx_replay_out *o)
{
	unsigned long long no = 0; /* frame number in the capture, from 1 */
	struct vx_replay_verdict v;
	struct vx_frame fr;
	char err[PCAP_ERRBUF_SIZE + 300];
	int n, run;

	while ((n = vx_capture_next(cap, &fr, err, sizeof(err))) == 1) {
		struct vx_pkt p = {};
		int pr;

		no++;
		if (fr.skip[0]) {
			vx_flows_skip(f, fr.wirelen, fr.truncated, fr.skip);
			if (o->frames && vx_replay_frame(o, cap->path, no, NULL, fr.skip, true))
				goto nomem;
			continue;
		}
		if (!fr.data || fr.len < ETH_HLEN) {
			/* Less than a link-layer header: nothing XDP would see. */
			f->frames++;
			f->bytes += fr.wirelen;
			f->truncated += fr.truncated;
			f->no_ip_addr++;
			if (o->frames && vx_replay_frame(o, cap->path, no, NULL,
							 "shorter than a link-layer header", true))
				goto nomem;
			continue;
		}
		/* The flow from the headers as they were on the wire; the
		 * program runs on the frame as captured. */
		pr = vx_parse_wire(&p, &fr);
		run = vx_replay_run(r, fr.data, fr.len, &v);
		if (run && run != -E2BIG) {
			vx_err("%s: BPF_PROG_TEST_RUN failed: %s", cap->path, strerror(-run));
			return run;
		}
		if (vx_flows_add(f, &p, pr, fr.wirelen, fr.truncated, run ? NULL : &v))
			goto nomem;
		if (o->frames && vx_replay_frame(o, cap->path, no, run ? NULL : &v,
						 run ? "size" : NULL, false))
			goto nomem;
	}
	if (n < 0)
		vx_warn("%s; replayed the frames before it", err);
	return 0;
nomem:
	vx_err("out of memory");
	return -ENOMEM;
}

struct vx_replay_opts {
	const char *policy_file;
	bool frames;
};

/* Every capture must open before anything runs: a typo in the fourth
 * file should not cost the first three's output.  Returns how many opened
 * (those of a link type that cannot be read are skipped), or -1. */
static int vx_replay_open_caps(struct vx_capture *caps, char **paths, int n)
{
	char err[PCAP_ERRBUF_SIZE + 300];
	int nopen = 0;

	for (int i = 0; i < n; i++) {
		int e = vx_capture_open(&caps[i], paths[i], err, sizeof(err));

		if (e == -ENOTSUP) {
			vx_warn("%s; skipped", err);
		} else if (e) {
			vx_err("%s", err);
			return -1;
		} else {
			nopen++;
		}
	}
	return nopen;
}

/* Run every opened capture through the program, then print. */
static int vx_replay_all(const struct vx_args *a, const struct vx_policy *pol,
			 struct vx_capture *caps, int nopen, struct vx_flows *flows)
{
	const struct vx_replay_opts *o = a->opts;
	const struct vx_replay_out outopt = { .json = a->json, .frames = o->frames },
				   *out = &outopt;
	struct vx_replay *r = NULL;
	int ret = VX_EXIT_SYSTEM;

	if (!vx_need_bpf() ||
	    !vx_caps_need("replay", VX_CAPS_LOAD,
			  "it loads the program to run it with BPF_PROG_TEST_RUN"))
		return VX_EXIT_SYSTEM;
	if (vx_replay_open(&r, pol))
		goto done;
	for (int i = 0; i < a->npos; i++)
		if (caps[i].pc && vx_replay_capture(r, &caps[i], flows, out))
			goto done;
	if (a->json) {
		if (vx_replay_json(flows))
			goto done;
		vx_replay_summary(stderr, flows, nopen);
	} else {
		vx_replay_text(flows);
		vx_replay_summary(stdout, flows, nopen);
	}
	ret = VX_EXIT_OK;
done:
	vx_replay_close(r);
	return ret;
}

static int vx_replay_cmd(const struct vx_args *a)
{
	const struct vx_replay_opts *o = a->opts;
	struct vx_capture *caps = NULL;
	struct vx_policy pol;
	struct vx_flows flows;
	int nopen, ret = VX_EXIT_INPUT;

	/* Text or JSON, as policy apply reads it. */
	if (o->policy_file) {
		if (vx_policy_load(o->policy_file, false, &pol))
			return VX_EXIT_INPUT;
	} else {
		vx_policy_init(&pol);
	}
	caps = calloc((size_t)a->npos, sizeof(*caps));
	if (!caps || vx_flows_init(&flows)) {
		vx_err("out of memory");
		free(caps);
		vx_policy_free(&pol);
		return VX_EXIT_SYSTEM;
	}
	nopen = vx_replay_open_caps(caps, a->pos, a->npos);
	if (nopen >= 0)
		ret = vx_replay_all(a, &pol, caps, nopen, &flows);
	for (int i = 0; i < a->npos; i++)
		vx_capture_close(&caps[i]);
	free(caps);
	vx_flows_free(&flows);
	vx_policy_free(&pol);
	return ret;
}

static const struct vx_opt vx_replay_optv[] = {
	VX_OPT_STRING_OF(struct vx_replay_opts, policy_file, "policy", 'p', "FILE",
			 "the policy to judge by (default: the built-in one)"),
	VX_OPT_FLAG_OF(struct vx_replay_opts, frames, "frames", 'f',
		       "also a line per frame, in order, before the flows"),
	VX_OPT_END,
};

const struct vx_cmd vx_cmd_replay = {
	.name = "replay",
	.run = vx_replay_cmd,
	VX_CMD_OPTS(vx_replay_optv, struct vx_replay_opts),
	.min_pos = 1, .max_pos = VX_POS_ANY,
	.flags = VX_CMD_JSON,
	.synopsis = "[--policy FILE] [--frames] [--json] CAPTURE...",
	.help = "    Dry run: the real program judges every frame of pcap/pcapng captures\n"
		"    (BPF_PROG_TEST_RUN, nothing attached); prints per flow the class,\n"
		"    confidence, packets, bytes and dropped.  Link types: Ethernet, Linux\n"
		"    cooked (SLL, SLL2), raw IP, loopback (NULL, LOOP), PPP (PPP,\n"
		"    PPP_SERIAL) and Cisco HDLC; PPP/HDLC frames carrying no IP are\n"
		"    skipped and counted with the reason.  A frame too large for the\n"
		"    test run (over about 72 KiB: BIG TCP, GRO) is counted \"not run\n"
		"    (size)\" in its flow and the capture goes on.",
};
