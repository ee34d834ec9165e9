/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading pcap and pcapng captures (libpcap) as Ethernet frames, which is
 * what an XDP program sees.  Ethernet captures are passed through; Linux
 * cooked (SLL, SLL2), raw IP and BSD loopback (NULL, LOOP) captures get a
 * synthetic Ethernet header carrying the right EtherType, so the program
 * parses them as it would the same packet on a wire.
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

/* Convert one captured frame of link type @dlt into an Ethernet frame in
 * @out (room for @outsz bytes).  Returns the Ethernet frame's length, 0 when
 * @caplen is shorter than the link-layer header, -1 for an unsupported
 * link type.  *frame is set to @out. */
long vx_capture_to_eth(int dlt, const unsigned char *in, size_t caplen,
		       unsigned char *out, size_t outsz,
		       const unsigned char **frame);

bool vx_capture_dlt_supported(int dlt);

#endif
