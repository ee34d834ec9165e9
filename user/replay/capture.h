/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading pcap and pcapng captures (libpcap) as Ethernet frames, which is
 * what an XDP program sees.  Ethernet captures are passed through; Linux
 * cooked (SLL, SLL2), raw IP, BSD loopback (NULL, LOOP), PPP (PPP,
 * PPP_SERIAL) and Cisco HDLC (C_HDLC) captures get a synthetic Ethernet
 * header carrying the right EtherType, so the program parses them as it
 * would the same packet on a wire.  A PPP or HDLC frame that carries
 * neither IPv4 nor IPv6 (LCP, IPCP, SLARP, ...) has no Ethernet form an
 * XDP program would see: it is handed out as skipped, with the reason.
 */
#ifndef VX_CAPTURE_H
#define VX_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <pcap/pcap.h>

struct vx_capture {
	pcap_t *pc;
	const char *path;
	int dlt;
	unsigned char *buf; /* frame with a synthetic Ethernet header */
	size_t bufsz;
};

struct vx_frame {
	const unsigned char *data; /* Ethernet frame; NULL when the capture
				    * holds less than its link-layer header */
	size_t len;      /* bytes at data */
	size_t wirelen;  /* the frame's length on the wire (pcap len, with the
			  * capture's own link-layer header) */
	bool truncated;  /* captured with a snap length: caplen < len */
	size_t cut;      /* bytes the snap length cut off (len - caplen) */
	char skip[48];   /* non-empty (and data NULL): the link's own protocol
			  * field names something other than IPv4/IPv6 */
};

/* Open @path.  Returns 0; -EINVAL when it cannot be read as a capture;
 * -ENOTSUP for a link type we cannot turn into Ethernet.  @err says why. */
int vx_capture_open(struct vx_capture *c, const char *path, char *err,
		    size_t errlen);

/* Next frame: 1, 0 at the end, -1 on a read error (@err says why; the
 * frames before it are good). */
int vx_capture_next(struct vx_capture *c, struct vx_frame *f, char *err,
		    size_t errlen);

void vx_capture_close(struct vx_capture *c);

/* vx_capture_to_eth's answers other than a length. */
#define VX_CAP_UNSUPPORTED (-1) /* a link type we cannot read */
#define VX_CAP_NOT_IP (-2)      /* the link says: not IPv4/IPv6 */

/* Convert one captured frame of link type @dlt into an Ethernet frame in
 * @out (room for @outsz bytes).  Returns the Ethernet frame's length, 0 when
 * @caplen is shorter than the link-layer header (or @out too small),
 * VX_CAP_NOT_IP with @why saying which protocol the link named, or
 * VX_CAP_UNSUPPORTED.  *frame is set to @out. */
long vx_capture_to_eth(int dlt, const unsigned char *in, size_t caplen,
		       unsigned char *out, size_t outsz,
		       const unsigned char **frame, char *why, size_t whylen);

bool vx_capture_dlt_supported(int dlt);

#endif
