/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's packet kinds: one crafted frame each, built byte by byte
 * so that every program under test (vpnxdp, the null floor, xdp-filter) runs
 * on exactly the same bytes.  Addresses are documentation prefixes only.
 */
#ifndef VX_BENCH_PACKETS_H
#define VX_BENCH_PACKETS_H

#include <stddef.h>
#include <linux/types.h>

#define BP_MAX_FRAME 512

struct bench_pkt {
	const char *name;  /* stable id, used in JSON and on the command line */
	const char *desc;  /* what it is, for the table */
	int bulk;          /* 1: non-VPN traffic, the bulk of what a firewall
			    * sees (held to the tighter target) */
	int l4;            /* IPPROTO_UDP / IPPROTO_TCP / other: which
			    * xdp-filter port object fits it */
	__u8 frame[BP_MAX_FRAME];
	size_t len;
};

/* Fill @out with every packet kind; returns how many (at most @max). */
size_t bench_packets(struct bench_pkt *out, size_t max);

/* A WireGuard handshake initiation (148 bytes, type 1) to 198.51.100.1
 * port 51820 from a source address and port that differ for every @flow
 * below 16 * 64000: the packet a data path that tracks flows remembers.
 * Returns the frame length (frame must hold BP_MAX_FRAME bytes). */
size_t bench_wg_initiation(__u8 *frame, __u32 flow);

#endif
