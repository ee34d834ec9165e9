// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <linux/if_ether.h>
#include <netinet/in.h>

#include "replay/wire.h"

/* The largest IP packet the 16-bit length fields describe, plus room for
 * the link-layer headers in front of it. */
#define VX_IP_MAX 65535u
#define VX_WIRE_MAX (VX_IP_MAX + 40 + 512)

static unsigned int vx_be16(const unsigned char *b)
{
	return (unsigned int)(b[0] << 8 | b[1]);
}

static void vx_put_be16(unsigned char *b, size_t v)
{
	b[0] = (unsigned char)(v >> 8);
	b[1] = (unsigned char)v;
}

/* Offset and EtherType of the IP header of the Ethernet frame @w (@n bytes),
 * past VLAN tags as the parser walks them; 0 when there is none. */
static size_t vx_wire_l3(const unsigned char *w, size_t n, unsigned int *et)
{
	size_t off = ETH_HLEN;

	if (n < ETH_HLEN)
		return 0;
	*et = vx_be16(w + 12);
	for (int i = 0; i < VX_MAX_VLANS &&
	     (*et == ETH_P_8021Q || *et == ETH_P_8021AD); i++) {
		if (n < off + 4)
			return 0;
		*et = vx_be16(w + off + 2);
		off += 4;
	}
	return off;
}

/* An outer IP length of 0 on a frame of @wire bytes larger than that field
 * can say: the length of the copy (@n bytes, at most VX_IP_MAX of IP). */
static void vx_wire_fix_len(unsigned char *w, size_t n, size_t wire)
{
	unsigned int et = 0;
	size_t off = vx_wire_l3(w, n, &et), room;

	if (!off)
		return;
	if (et == ETH_P_IP && n >= off + 20 && w[off] >> 4 == 4 &&
	    wire - off > VX_IP_MAX && vx_be16(w + off + 2) == 0) {
		room = n - off;
		vx_put_be16(w + off + 2, room < VX_IP_MAX ? room : VX_IP_MAX);
	} else if (et == ETH_P_IPV6 && n >= off + 40 && w[off] >> 4 == 6 &&
		   wire - off - 40 > VX_IP_MAX && vx_be16(w + off + 4) == 0) {
		/* A hop-by-hop jumbo option after it, if any, is walked as
		 * any extension header is. */
		room = n - off - 40;
		vx_put_be16(w + off + 4, room < VX_IP_MAX ? room : VX_IP_MAX);
	}
}

int vx_parse_wire(struct vx_pkt *p, const struct vx_frame *fr)
{
	/* Two bytes in, as vx_capture_next aligns a frame. */
	static unsigned char buf[VX_WIRE_MAX + 2] __attribute__((aligned(8)));
	unsigned char *w = buf + 2;
	size_t wire = fr->len + fr->cut, n, have;
	int r;

	memset(p, 0, sizeof(*p));
	if (!fr->truncated && fr->len <= VX_IP_MAX + ETH_HLEN)
		return vx_parse(p, fr->data, fr->data + fr->len);
	/* The headers are at the front: a copy of at most VX_WIRE_MAX bytes
	 * holds them and any IP packet the lengths can describe. */
	n = wire < VX_WIRE_MAX ? wire : VX_WIRE_MAX;
	have = fr->len < n ? fr->len : n;
	memcpy(w, fr->data, have);
	memset(w + have, 0, n - have);
	vx_wire_fix_len(w, n, wire);
	r = vx_parse(p, w, w + n);
	/* Cut inside the transport header (or a UDP jumbogram's length 0):
	 * its ports are the flow's when the capture holds them. */
	if (r == VX_PARSE_MALFORMED && p->ipver && p->l4 && p->frag != VX_FRAG_LATER &&
	    (p->l4proto == IPPROTO_TCP || p->l4proto == IPPROTO_UDP) &&
	    p->l4 >= w && p->l4 + 4 <= w + have) {
		p->sport = (__u16)vx_be16(p->l4);
		p->dport = (__u16)vx_be16(p->l4 + 2);
		r = VX_PARSE_OK;
	}
	return r;
}
