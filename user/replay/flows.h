/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay's per-flow accounting: frames grouped by transport and the two
 * endpoints, both directions in one flow, the client being the side that
 * sent the flow's first frame.  Non-first IP fragments join the flow of
 * their first fragment when it was seen.
 */
#ifndef VX_FLOWS_H
#define VX_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "vpnxdp_common.h"
#include "vpnxdp_parse.h"
#include "core/htab.h"
#include "replay/run.h"

struct vx_flow {
	__u8 l4proto;   /* IPPROTO_* */
	__u8 ipver;     /* 4 or 6 */
	__u16 cport, sport;
	__u32 caddr[4], saddr[4]; /* client, server; network order */
	__u64 packets, bytes, dropped, truncated;
	__u64 uncounted;                 /* frames no class counted */
	__u64 not_run;                   /* frames the kernel would not run
					  * (size): in the flow, no class */
	__u64 cls[VX_MAX_CLASS];         /* frames per class */
	__u8 conf_seen[VX_MAX_CLASS];    /* per class, bit (1 << confidence)
					  * for each confidence seen */
	__u64 encap[VX_NENC];            /* counted frames by outermost
					  * encapsulation (the flow is the
					  * outer packet's) */
};

#define VX_SKIP_WHYS 8 /* reasons for skipped frames kept (the rest: "other") */

struct vx_flows {
	struct vx_flow *v;  /* in order of first frame */
	size_t n, cap;
	struct vx_htab byendpoints;
	struct vx_htab frags;
	/* Frames outside any flow, and why. */
	__u64 frames, bytes, dropped, truncated;
	__u64 not_ip;     /* ARP, LLDP, ...: the program saw them */
	__u64 no_ip_addr; /* malformed: shorter than a link-layer header, or IP
			   * headers too broken for addresses */
	__u64 not_run;    /* the kernel would not run them (size); those with
			   * a flow are in it too */
	__u64 skipped;    /* the link said not IPv4/IPv6: never run */
	struct vx_skip_why {
		char why[48];
		__u64 n;
	} skip_why[VX_SKIP_WHYS]; /* the first reasons seen, with counts */
	size_t nskip_why;
	/* every counted frame, per class, by outermost encapsulation */
	__u64 cls_encap[VX_MAX_CLASS][VX_NENC];
};

int vx_flows_init(struct vx_flows *f);
void vx_flows_free(struct vx_flows *f);

/* Account one frame: @p and @parse_ret are vx_parse()'s view of it, @v what
 * the program did with it (NULL: the kernel did not run it). */
int vx_flows_add(struct vx_flows *f, const struct vx_pkt *p, int parse_ret,
		 __u64 wirelen, bool truncated, const struct vx_replay_verdict *v);

/* Account one frame that was not run because the link's own header said it
 * is not IP: @why. */
void vx_flows_skip(struct vx_flows *f, __u64 wirelen, bool truncated,
		   const char *why);

/* The flow's class: the VPN class most of its frames counted under, else
 * the class most of them did (other or fragment). -1: none counted. */
int vx_flow_class(const struct vx_flow *fl);

/* The strongest evidence among the frames of @cls: verified, then payload,
 * then port.  -1 when none. */
int vx_flow_conf(const struct vx_flow *fl, int cls);

/* Classes with at least one frame. */
int vx_flow_nclasses(const struct vx_flow *fl);

#endif
