/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A frame's headers as they were on the wire, for its flow only.  Two kinds
 * of frame defeat the parser's length checks though their addresses and
 * ports were captured: one the capture's snap length cut (its IP header
 * claims bytes the capture does not hold), and one larger than the IP
 * length fields can say (BIG TCP and GRO'd frames over 64 KiB carry an IPv4
 * total length or IPv6 payload length of 0).  The program rightly finds
 * them malformed; replay still wants to know whose they are.
 */
#ifndef VX_REPLAY_WIRE_H
#define VX_REPLAY_WIRE_H

/* capture.h first: libpcap's <netinet/in.h> before the UAPI <linux/in.h>
 * of vpnxdp_parse.h, which then defers to it */
#include "replay/capture.h"
#include "vpnxdp_parse.h"

/* vx_parse() of @fr as it was on the wire: the bytes the snap length cut are
 * zeros, an outer IP length of 0 on a frame too large for it is the frame's
 * length, and a TCP or UDP header whose ports were captured gives its ports
 * even when the rest of it was not.  A frame that is whole and within the
 * IP lengths is parsed as it is.  @p's pointers are valid until the next
 * call (they may point into a static copy): use @p for the flow key only. */
int vx_parse_wire(struct vx_pkt *p, const struct vx_frame *fr);

#endif
