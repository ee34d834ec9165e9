// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp's metric families (listed in vpnxdp(8)).  Names follow
 * Prometheus' naming rules: one prefix (vpnxdp_), base units (bytes,
 * seconds), _total on counters, _timestamp_seconds on Unix times, _info on
 * constant-1 metadata, no label repeated in a name, no address or port in
 * any label.  Labels: interface, class, reason, confidence, ring, mode,
 * path, version, code.  Classes, confidences and drop reasons come from
 * core/names.h, so one added there is exported without a change here.
 *
 * Every class of every live interface is exported, zeros included, so that
 * rate() and increase() have a series from the first scrape and see the
 * first packet of a class.
 */
#include <stddef.h>

#include "core/names.h"
#include "export/expo.h"
#include "export/metrics.h"

#ifndef VX_VERSION
#define VX_VERSION "0.1"
#endif

static void vx_render_attached(FILE *f, const struct vx_exp_snap *s)
{
	vx_expo_family(f, "vpnxdp_build_info", VX_GAUGE,
		       "The vpnxdp that serves these metrics; always 1.");
	vx_expo_u64(f, "vpnxdp_build_info", VX_LABELS("version", VX_VERSION), 1);
	vx_expo_family(f, "vpnxdp_attached", VX_GAUGE,
		       "1 while vpnxdp's program is attached to the interface; 0 when "
		       "the interface is expected (named to the exporter, or pinned) "
		       "but vpnxdp is not attached or cannot be read there.");
	for (int i = 0; i < s->n; i++)
		vx_expo_u64(f, "vpnxdp_attached", VX_LABELS("interface", s->ifs[i].name),
			    s->ifs[i].live);
	vx_expo_family(f, "vpnxdp_attach_info", VX_GAUGE,
		       "How vpnxdp is attached: XDP mode (native, skb, hw) and path "
		       "(dispatcher: through libxdp's multi-program dispatcher; single: "
		       "the program alone); always 1.");
	for (int i = 0; i < s->n; i++) {
		const struct vx_exp_iface *x = &s->ifs[i];

		if (x->live)
			vx_expo_u64(f, "vpnxdp_attach_info",
				    VX_LABELS("interface", x->name,
					      "mode", vx_xdp_mode_name(x->meta.mode),
					      "path", x->meta.multiprog ? "dispatcher" : "single"), 1);
	}
}

/* Gauges of one number per live interface. */
enum vx_if_value { VX_IF_ATTACHED_AT, VX_IF_GENERATION, VX_IF_APPLIED_AT };

static const struct {
	const char *name, *help;
	enum vx_if_value v;
} vx_if_gauges[] = {
	{ "vpnxdp_attached_timestamp_seconds",
	  "When vpnxdp was attached to the interface, in seconds since the Unix epoch.",
	  VX_IF_ATTACHED_AT },
	{ "vpnxdp_policy_generation",
	  "Generation of the policy in force: 1 at attach, one more for each "
	  "policy apply that changed it.", VX_IF_GENERATION },
	{ "vpnxdp_policy_last_apply_timestamp_seconds",
	  "When the policy in force went live (attach or policy apply), in "
	  "seconds since the Unix epoch.", VX_IF_APPLIED_AT },
};

static __u64 vx_if_value(const struct vx_exp_iface *x, enum vx_if_value v)
{
	switch (v) {
	case VX_IF_ATTACHED_AT: return x->meta.attached_at;
	case VX_IF_GENERATION: return x->cfg.generation;
	case VX_IF_APPLIED_AT: return x->cfg.applied_at;
	}
	return 0;
}

static void vx_render_if_gauges(FILE *f, const struct vx_exp_snap *s)
{
	for (size_t g = 0; g < sizeof(vx_if_gauges) / sizeof(vx_if_gauges[0]); g++) {
		vx_expo_family(f, vx_if_gauges[g].name, VX_GAUGE, vx_if_gauges[g].help);
		for (int i = 0; i < s->n; i++)
			if (s->ifs[i].live)
				vx_expo_u64(f, vx_if_gauges[g].name,
					    VX_LABELS("interface", s->ifs[i].name),
					    vx_if_value(&s->ifs[i], vx_if_gauges[g].v));
	}
}

/* Per class: packets and bytes. */
static void vx_render_classes(FILE *f, const struct vx_exp_snap *s)
{
	static const char pk[] = "vpnxdp_packets_total", by[] = "vpnxdp_bytes_total";

	vx_expo_family(f, pk, VX_COUNTER,
		       "Packets of each class seen on the interface, counted or dropped "
		       "(a class whose policy action is pass is not counted).");
	for (int i = 0; i < s->n; i++)
		for (int c = 0; s->ifs[i].live && c < VX_NCLASS; c++)
			vx_expo_u64(f, pk, VX_LABELS("interface", s->ifs[i].name,
						     "class", vx_class_names[c]),
				    s->ifs[i].cnt[c].packets);
	vx_expo_family(f, by, VX_COUNTER,
		       "Frame bytes of the packets of vpnxdp_packets_total.");
	for (int i = 0; i < s->n; i++)
		for (int c = 0; s->ifs[i].live && c < VX_NCLASS; c++)
			vx_expo_u64(f, by, VX_LABELS("interface", s->ifs[i].name,
						     "class", vx_class_names[c]),
				    s->ifs[i].cnt[c].bytes);
}

static __u64 vx_dropped_by(const struct vx_counters *c, unsigned int reason)
{
	switch (reason) {
	case VX_R_RULE: return c->drop_rule;
	case VX_R_RATE: return c->drop_rate;
	case VX_R_DENY: return c->drop_deny;
	default: return 0;
	}
}

/* Per class: drops by reason, packets by confidence. */
static void vx_render_reasons(FILE *f, const struct vx_exp_snap *s)
{
	static const char dr[] = "vpnxdp_dropped_packets_total",
			  cl[] = "vpnxdp_classified_packets_total",
			  en[] = "vpnxdp_encap_packets_total";

	vx_expo_family(f, dr, VX_COUNTER,
		       "Packets the policy dropped, by reason: rule (a drop rule), "
		       "rate (over a per-source rate limit), deny (source not in the "
		       "class's allow-list); the reasons sum to all drops.");
	for (int i = 0; i < s->n; i++)
		for (int c = 0; s->ifs[i].live && c < VX_NCLASS; c++)
			for (unsigned int r = VX_R_NONE + 1; r < VX_NREASON; r++)
				vx_expo_u64(f, dr, VX_LABELS("interface", s->ifs[i].name,
							     "class", vx_class_names[c],
							     "reason", vx_reason_names[r]),
					    vx_dropped_by(&s->ifs[i].cnt[c], r));
	vx_expo_family(f, cl, VX_COUNTER,
		       "Packets by how their class was established (confidence): "
		       "verified (signature and payload agree), port (signature only), "
		       "payload (payload only, on any port).");
	for (int i = 0; i < s->n; i++)
		for (int c = 0; s->ifs[i].live && c < VX_NCLASS; c++)
			for (int k = 0; k < VX_NCONF; k++)
				vx_expo_u64(f, cl, VX_LABELS("interface", s->ifs[i].name,
							     "class", vx_class_names[c],
							     "confidence", vx_conf_names[k]),
					    s->ifs[i].cnt[c].conf[k]);
	vx_expo_family(f, en, VX_COUNTER,
		       "Packets by the outermost encapsulation they came through: "
		       "none, pppoe, mpls, ipip, gre, vxlan, geneve, gtpu (the class "
		       "is the packet's inside the tunnels).");
	for (int i = 0; i < s->n; i++)
		for (int c = 0; s->ifs[i].live && c < VX_NCLASS; c++)
			for (int k = 0; k < VX_NENC; k++)
				vx_expo_u64(f, en, VX_LABELS("interface", s->ifs[i].name,
							     "class", vx_class_names[c],
							     "encap", vx_encap_names[k]),
					    s->ifs[i].cnt[c].encap[k]);
}

/* The two ring buffers (vpnxdp_ring.h): what went in, what was lost. */
static void vx_render_rings(FILE *f, const struct vx_exp_snap *s)
{
	static const char rec[] = "vpnxdp_ring_records_total",
			  lost[] = "vpnxdp_ring_records_lost_total",
			  sup[] = "vpnxdp_events_suppressed_total";

	vx_expo_family(f, rec, VX_COUNTER,
		       "Records written to a ring buffer: rates (one per CPU and "
		       "interval, read by vpnxdp top), events (drops and new VPN flows, "
		       "read by vpnxdp events).");
	for (int i = 0; i < s->n; i++) {
		const struct vx_exp_iface *x = &s->ifs[i];

		if (!x->live)
			continue;
		vx_expo_u64(f, rec, VX_LABELS("interface", x->name, "ring", "rates"),
			    x->rings.seq - x->rings.lost);
		vx_expo_u64(f, rec, VX_LABELS("interface", x->name, "ring", "events"),
			    x->rings.events);
	}
	vx_expo_family(f, lost, VX_COUNTER,
		       "Records a ring buffer could not take because it was full (its "
		       "reader too slow or absent); the counters stay exact.");
	for (int i = 0; i < s->n; i++) {
		const struct vx_exp_iface *x = &s->ifs[i];

		if (!x->live)
			continue;
		vx_expo_u64(f, lost, VX_LABELS("interface", x->name, "ring", "rates"),
			    x->rings.lost);
		vx_expo_u64(f, lost, VX_LABELS("interface", x->name, "ring", "events"),
			    x->rings.ev_lost);
	}
	vx_expo_family(f, sup, VX_COUNTER,
		       "Events not written because of the per-CPU event rate cap (by "
		       "design, not a loss).");
	for (int i = 0; i < s->n; i++)
		if (s->ifs[i].live)
			vx_expo_u64(f, sup, VX_LABELS("interface", s->ifs[i].name),
				    s->ifs[i].rings.ev_capped);
}

static void vx_render_self(FILE *f, const struct vx_exp_snap *s)
{
	static const char *const codes[VX_NHTTP] = {
		[VX_HTTP_200] = "200", [VX_HTTP_404] = "404",
		[VX_HTTP_405] = "405", [VX_HTTP_500] = "500",
	};

	vx_expo_family(f, "vpnxdp_scrape_duration_seconds", VX_GAUGE,
		       "Time this scrape spent reading the counters from the pins.");
	vx_expo_f64(f, "vpnxdp_scrape_duration_seconds", NULL, s->read_seconds);
	if (!s->http)
		return;
	vx_expo_family(f, "vpnxdp_exporter_requests_total", VX_COUNTER,
		       "HTTP requests the exporter answered, by status code, before "
		       "this one (requests libmicrohttpd refused as malformed are not "
		       "counted).");
	for (int k = 0; k < VX_NHTTP; k++)
		vx_expo_u64(f, "vpnxdp_exporter_requests_total",
			    VX_LABELS("code", codes[k]), s->http[k]);
}

void vx_exp_render(FILE *f, const struct vx_exp_snap *s)
{
	vx_render_attached(f, s);
	vx_render_if_gauges(f, s);
	vx_render_classes(f, s);
	vx_render_reasons(f, s);
	vx_render_rings(f, s);
	vx_render_self(f, s);
}
