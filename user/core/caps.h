/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capabilities: what a command needs is looked up in the process's
 * effective set, never inferred from its uid (uid 0 with a reduced bounding
 * set is common under systemd and in containers), and a refusal names what
 * is missing.
 */
#ifndef VX_CAPS_H
#define VX_CAPS_H

#include <stdbool.h>

/* Capability numbers (linux/capability.h; CAP_PERFMON and CAP_BPF are
 * from 5.8). */
#define VX_CAP_DAC_OVERRIDE 1
#define VX_CAP_NET_ADMIN 12
#define VX_CAP_SYS_ADMIN 21
#define VX_CAP_PERFMON 38
#define VX_CAP_BPF 39
#define VX_CAPS(c) (1ull << (c))

/* What loading vpnxdp's program takes (attach, replay): CAP_BPF for maps
 * and programs, CAP_NET_ADMIN for an XDP program, and CAP_PERFMON, without
 * which the verifier refuses the program's pointer arithmetic on map
 * values. */
#define VX_CAPS_LOAD (VX_CAPS(VX_CAP_BPF) | VX_CAPS(VX_CAP_NET_ADMIN) | \
		      VX_CAPS(VX_CAP_PERFMON))

/* The capabilities of @mask missing from the effective set (all of them
 * if it cannot be read). */
unsigned long long vx_caps_missing(unsigned long long mask);

/* Has the process every capability of @mask?  If not, prints "@what needs
 * A, B and C; missing: B" and @why (may be NULL), and returns false. */
bool vx_caps_need(const char *what, unsigned long long mask, const char *why);

/* For a kernel refusal (@err -EPERM or -EACCES) of an operation that needs
 * @mask: " (needs CAP_X, which this process lacks)" when one is missing,
 * else "".  The text lives until the next call. */
const char *vx_caps_hint(int err, unsigned long long mask);

#endif
