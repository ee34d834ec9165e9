// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp events [IFACE...] [--json] [--count N]
 *
 * The events rings of the attachments named (all of them by default): drops and
 * newly seen VPN flows, one per line.  Events are rate-capped per CPU in the
 * data path; when the cap or a full ring suppressed some, a line says how
 * many, so a quiet stream never hides a flood.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "vpnxdp_ring.h"
#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/exit.h"
#include "core/log.h"
#include "core/names.h"
#include "telemetry/reader.h"


struct vx_ev_opts {
	bool json;
	long count, seen;
	bool failed;
};

static const char *vx_ev_type(unsigned int t)
{
	return t == VX_EV_DROP ? "drop" : t == VX_EV_NEW_FLOW ? "new_flow" : "unknown";
}

static void vx_addr(char *buf, size_t len, unsigned int ver, const __u32 *a)
{
	if (ver == 4)
		inet_ntop(AF_INET, a, buf, (socklen_t)len);
	else if (ver == 6)
		inet_ntop(AF_INET6, a, buf, (socklen_t)len);
	else
		snprintf(buf, len, "-");
}

/* ISO 8601 UTC with milliseconds. */
static void vx_iso(char *buf, size_t len, double t)
{
	time_t s = (time_t)t;
	struct tm tm;
	size_t n;

	gmtime_r(&s, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03dZ", (int)((t - (double)s) * 1000) % 1000);
}

static int vx_ev_print(const char *ifname, const struct vx_event *e,
		       const struct vx_ev_opts *o)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], ts[64], pbuf[8];
	double t = vx_mono_to_real(e->ts_ns);
	const char *proto = vx_l4_name(e->l4proto);
	const char *reason = e->reason < VX_NREASON ? vx_reason_names[e->reason] : "unknown";
	bool ports = e->l4proto == IPPROTO_UDP || e->l4proto == IPPROTO_TCP;

	if (!proto) {
		snprintf(pbuf, sizeof(pbuf), "%u", e->l4proto);
		proto = pbuf;
	}
	vx_addr(src, sizeof(src), e->ipver, e->saddr);
	vx_addr(dst, sizeof(dst), e->ipver, e->daddr);
	if (o->json) {
		json_t *j = json_object();
		int err;

		json_object_set_new(j, "ts", json_real(t));
		json_object_set_new(j, "interface", json_string(ifname));
		json_object_set_new(j, "cpu", json_integer(e->cpu));
		json_object_set_new(j, "type", json_string(vx_ev_type(e->type)));
		json_object_set_new(j, "class", json_string(vx_class_name(e->cls)));
		if (e->type == VX_EV_DROP)
			json_object_set_new(j, "reason", json_string(reason));
		json_object_set_new(j, "proto", json_string(proto));
		json_object_set_new(j, "src", json_string(src));
		json_object_set_new(j, "dst", json_string(dst));
		if (ports) {
			json_object_set_new(j, "sport", json_integer(e->sport));
			json_object_set_new(j, "dport", json_integer(e->dport));
		}
		json_object_set_new(j, "len", json_integer(e->len));
		err = json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(j);
		if (err || putchar('\n') == EOF)
			return -1;
		return 0;
	}
	vx_iso(ts, sizeof(ts), t);
	if (ports && e->ipver == 6)
		printf("%s %s cpu%u %s %s%s%s %s [%s]:%u -> [%s]:%u len %u\n", ts,
		       ifname, e->cpu, vx_ev_type(e->type), vx_class_name(e->cls),
		       e->type == VX_EV_DROP ? " " : "",
		       e->type == VX_EV_DROP ? reason : "", proto, src, e->sport,
		       dst, e->dport, e->len);
	else if (ports)
		printf("%s %s cpu%u %s %s%s%s %s %s:%u -> %s:%u len %u\n", ts,
		       ifname, e->cpu, vx_ev_type(e->type), vx_class_name(e->cls),
		       e->type == VX_EV_DROP ? " " : "",
		       e->type == VX_EV_DROP ? reason : "", proto, src, e->sport,
		       dst, e->dport, e->len);
	else
		printf("%s %s cpu%u %s %s%s%s %s %s -> %s len %u\n", ts, ifname,
		       e->cpu, vx_ev_type(e->type), vx_class_name(e->cls),
		       e->type == VX_EV_DROP ? " " : "",
		       e->type == VX_EV_DROP ? reason : "", proto, src, dst, e->len);
	return 0;
}

static int vx_ev_cb(void *ctx, void *data, size_t len)
{
	struct vx_reader_if *i = ctx;
	struct vx_ev_opts *o = i->owner->user;

	if (len < sizeof(struct vx_event))
		return 0;
	if (o->count && o->seen >= o->count)
		return 1; /* stop consuming: --count reached */
	if (vx_ev_print(i->pins.ifname, data, o) != 0) {
		o->failed = true;
		return -EPIPE;
	}
	o->seen++;
	return 0;
}

/* Say when the cap or the ring suppressed events since the last look. */
static int vx_ev_suppressed(struct vx_reader_if *i, const struct vx_ev_opts *o)
{
	__u64 capped = i->state.ev_capped, lost = i->state.ev_lost;

	if (vx_reader_state(i) != 0)
		return 0;
	capped = i->state.ev_capped - capped;
	lost = i->state.ev_lost - lost;
	if (!capped && !lost)
		return 0;
	if (o->json) {
		json_t *j = json_object();
		int err;

		json_object_set_new(j, "ts", json_real(vx_mono_to_real(vx_mono_ns())));
		json_object_set_new(j, "interface", json_string(i->pins.ifname));
		json_object_set_new(j, "type", json_string("suppressed"));
		json_object_set_new(j, "capped", json_integer((json_int_t)capped));
		json_object_set_new(j, "lost", json_integer((json_int_t)lost));
		err = json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(j);
		return err || putchar('\n') == EOF ? -1 : 0;
	}
	printf("%s: %llu events over the rate cap and %llu the ring could not take were not shown\n",
	       i->pins.ifname, (unsigned long long)capped, (unsigned long long)lost);
	return 0;
}

struct vx_events_opts {
	unsigned int count;
};

/* Consume and print until a signal, --count events, the reader going
 * away, or every attachment gone (exit code 1, after what was queued);
 * every second, say what the cap and the ring suppressed. */
static int vx_events_loop(struct vx_reader *l, struct vx_ev_opts *o)
{
	__u64 next_check = vx_mono_ns() + 1000000000ull;

	while (!vx_reader_stop) {
		if (vx_reader_check(l, 200000000ull, true) == 0) {
			vx_reader_consume(l);
			fflush(stdout);
			return VX_EXIT_INPUT;
		}
		if (vx_reader_consume(l) < 0 && !o->failed && !(o->count && o->seen >= o->count)) {
			vx_err("reading the event ring buffers failed: %s", strerror(errno));
			return VX_EXIT_SYSTEM;
		}
		if (o->failed || fflush(stdout) != 0)
			break; /* the reader went away */
		if (o->count && o->seen >= o->count)
			break;
		if (vx_mono_ns() >= next_check) {
			for (int k = 0; k < l->n; k++)
				if (vx_ev_suppressed(&l->ifs[k], o) != 0)
					o->failed = true;
			next_check += 1000000000ull;
		}
		/* The data path does not wake readers: poll on our clock. */
		poll(NULL, 0, 50);
	}
	return VX_EXIT_OK;
}

static int vx_events_run(const struct vx_args *a)
{
	const struct vx_events_opts *eo = a->opts;
	struct vx_ev_opts o = { .json = a->json, .count = eo->count };
	char *names[VX_READER_MAX];
	struct vx_reader l;
	bool listed;
	int nif, ret;

	nif = vx_reader_names("events", a->pos, a->npos, names, &listed);
	if (nif < 0)
		return VX_EXIT_INPUT;
	ret = vx_reader_open(&l, names, nif, VX_RING_EVENTS, vx_ev_cb, listed);
	if (ret)
		return vx_pins_exit(ret);
	l.user = &o;
	for (int k = 0; k < l.n; k++)
		vx_reader_state(&l.ifs[k]);

	vx_reader_catch_signals();
	ret = vx_events_loop(&l, &o);
	vx_reader_close(&l);
	return ret;
}

static const struct vx_opt vx_events_optv[] = {
	VX_OPT_COUNT_OF(struct vx_events_opts, count, "events"),
	VX_OPT_END,
};

const struct vx_cmd vx_cmd_events = {
	.name = "events",
	.run = vx_events_run,
	VX_CMD_OPTS(vx_events_optv, struct vx_events_opts),
	.min_pos = 0, .max_pos = VX_POS_ANY, .ifaces = VX_POS_ANY,
	.flags = VX_CMD_JSON | VX_CMD_PRIV | VX_CMD_BPFFS,
	.synopsis = "[IFACE...] [--json] [--count N]",
	.help = "    Stream drop and new-flow events (rate-capped per CPU), one per line,\n"
		"    from every attached interface by default; says when an interface\n"
		"    goes away, and ends (exit 1) when none is left.",
};
