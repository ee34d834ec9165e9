// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include <pcap/sll.h>

#include "replay/capture.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_PPP_SERIAL
#define DLT_PPP_SERIAL 50
#endif
#ifndef DLT_C_HDLC
#define DLT_C_HDLC 104
#endif

#define VX_ETH_HLEN 14
#define VX_ETH_P_IP 0x0800
#define VX_ETH_P_IPV6 0x86DD

bool vx_capture_dlt_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_PPP:
	case DLT_PPP_SERIAL:
	case DLT_C_HDLC:
		return true;
	default:
		return false;
	}
}

/* EtherType of a raw IP packet, from its version nibble (0: not IP). */
static uint16_t vx_ip_ethertype(const unsigned char *l3, size_t len)
{
	if (len < 1)
		return 0;
	switch (l3[0] >> 4) {
	case 4: return VX_ETH_P_IP;
	case 6: return VX_ETH_P_IPV6;
	default: return 0;
	}
}

/* BSD loopback address family: AF_INET is 2 everywhere, AF_INET6 differs by
 * OS (Linux 10, BSDs 24, 28, 30).  DLT_NULL stores it in the capturing
 * host's byte order, so accept either. */
static uint16_t vx_af_ethertype(uint32_t fam)
{
	if (fam > 0xffff)
		fam = __builtin_bswap32(fam);
	switch (fam) {
	case 2: return VX_ETH_P_IP;
	case 10: case 24: case 28: case 30: return VX_ETH_P_IPV6;
	default: return 0;
	}
}

/* PPP's protocol field (RFC 1661) at @in + *hlen, which it steps over: two
 * bytes, or one when compressed (RFC 1661 6.5: an odd first byte).
 * Returns -1 when the frame ends first. */
static long vx_ppp_proto(const unsigned char *in, size_t caplen, size_t *hlen)
{
	size_t o = *hlen;

	if (caplen < o + 1)
		return -1;
	if (in[o] & 1) {
		*hlen = o + 1;
		return in[o];
	}
	if (caplen < o + 2)
		return -1;
	*hlen = o + 2;
	return in[o] << 8 | in[o + 1];
}

/* The EtherType of a PPP frame whose protocol field starts at @in + *hlen
 * (after any address and control bytes): 0 with @why set when it is not IP,
 * -1 when the frame ends inside the header. */
static long vx_ppp_ethertype(const unsigned char *in, size_t caplen,
			     size_t *hlen, char *why, size_t whylen)
{
	long proto = vx_ppp_proto(in, caplen, hlen);

	switch (proto) {
	case -1: return -1;
	case 0x0021: return VX_ETH_P_IP;
	case 0x0057: return VX_ETH_P_IPV6;
	default:
		snprintf(why, whylen, "PPP protocol 0x%04lx", (unsigned long)proto);
		return 0;
	}
}

/* Cisco HDLC (and Cisco framing in PPP_SERIAL): address (0x0f unicast,
 * 0x8f broadcast), control 0, an EtherType.  As for PPP. */
static long vx_chdlc_ethertype(const unsigned char *in, size_t caplen,
			       size_t *hlen, char *why, size_t whylen)
{
	unsigned int et;

	if (caplen < 4)
		return -1;
	*hlen = 4;
	et = (unsigned int)(in[2] << 8 | in[3]);
	if (et == VX_ETH_P_IP || et == VX_ETH_P_IPV6)
		return et;
	snprintf(why, whylen, "Cisco HDLC protocol 0x%04x", et);
	return 0;
}

/* DLT_PPP and DLT_PPP_SERIAL: HDLC-like framing (RFC 1662: address 0xff,
 * control 0x03) before the protocol field; DLT_PPP may also omit it
 * (address-and-control-field compression), and PPP_SERIAL may hold Cisco
 * HDLC framing instead (RFC 1547 4.3.1). */
static long vx_ppp_link(int dlt, const unsigned char *in, size_t caplen,
			size_t *hlen, char *why, size_t whylen)
{
	*hlen = 0;
	if (caplen < 1)
		return -1;
	if (dlt == DLT_PPP_SERIAL && (in[0] == 0x0f || in[0] == 0x8f))
		return vx_chdlc_ethertype(in, caplen, hlen, why, whylen);
	if (in[0] == 0xff) {
		if (caplen < 2)
			return -1;
		if (in[1] != 0x03) {
			snprintf(why, whylen, "PPP control byte 0x%02x", in[1]);
			return 0;
		}
		*hlen = 2;
	} else if (dlt == DLT_PPP_SERIAL) {
		snprintf(why, whylen, "PPP_SERIAL address byte 0x%02x", in[0]);
		return 0;
	}
	return vx_ppp_ethertype(in, caplen, hlen, why, whylen);
}

long vx_capture_to_eth(int dlt, const unsigned char *in, size_t caplen,
		       unsigned char *out, size_t outsz,
		       const unsigned char **frame, char *why, size_t whylen)
{
	size_t hlen;
	uint16_t etype;
	uint32_t fam;
	long et;

	switch (dlt) {
	case DLT_EN10MB:
		/* Copied all the same: the copy is aligned as a driver aligns
		 * a frame (see vx_capture_next). */
		if (caplen > outsz)
			return 0;
		memcpy(out, in, caplen);
		*frame = out;
		return (long)caplen;
	case DLT_LINUX_SLL: /* 16 bytes, protocol (EtherType) last */
		hlen = SLL_HDR_LEN;
		if (caplen < hlen)
			return 0;
		etype = (uint16_t)(in[14] << 8 | in[15]);
		break;
	case DLT_LINUX_SLL2: /* 20 bytes, protocol (EtherType) first */
		hlen = 20;
		if (caplen < hlen)
			return 0;
		etype = (uint16_t)(in[0] << 8 | in[1]);
		break;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		hlen = 0;
		etype = vx_ip_ethertype(in, caplen);
		break;
	case DLT_NULL:
	case DLT_LOOP:
		hlen = 4;
		if (caplen < hlen)
			return 0;
		memcpy(&fam, in, 4);
		/* LOOP is network order, NULL the capturing host's order:
		 * vx_af_ethertype takes either. */
		etype = vx_af_ethertype(fam);
		break;
	case DLT_PPP:
	case DLT_PPP_SERIAL:
	case DLT_C_HDLC:
		et = dlt == DLT_C_HDLC ?
			vx_chdlc_ethertype(in, caplen, &hlen, why, whylen) :
			vx_ppp_link(dlt, in, caplen, &hlen, why, whylen);
		if (et < 0)
			return 0;
		if (et == 0)
			return VX_CAP_NOT_IP;
		etype = (uint16_t)et;
		break;
	default:
		return VX_CAP_UNSUPPORTED;
	}
	if (caplen - hlen + VX_ETH_HLEN > outsz)
		return 0;
	/* Locally administered MACs: XDP does not look at them. */
	memset(out, 0, 12);
	out[0] = 0x02;
	out[6] = 0x02;
	out[11] = 0x01;
	out[12] = (unsigned char)(etype >> 8);
	out[13] = (unsigned char)etype;
	memcpy(out + VX_ETH_HLEN, in + hlen, caplen - hlen);
	*frame = out;
	return (long)(caplen - hlen + VX_ETH_HLEN);
}

int vx_capture_open(struct vx_capture *c, const char *path, char *err,
		    size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";

	memset(c, 0, sizeof(*c));
	c->path = path;
	c->pc = pcap_open_offline(path, perr);
	if (!c->pc) {
		/* libpcap's message names the file itself, most of the time */
		if (strstr(perr, path))
			snprintf(err, errlen, "%s", perr);
		else
			snprintf(err, errlen, "%s: %s", path, perr);
		return -EINVAL;
	}
	c->dlt = pcap_datalink(c->pc);
	if (!vx_capture_dlt_supported(c->dlt)) {
		const char *n = pcap_datalink_val_to_name(c->dlt);

		snprintf(err, errlen, "%s: link type %s (%d) is not supported "
			 "(Ethernet, Linux cooked, raw IP, loopback, PPP and "
			 "Cisco HDLC are)",
			 path, n ? n : "unknown", c->dlt);
		pcap_close(c->pc);
		c->pc = NULL;
		return -ENOTSUP;
	}
	/* Largest frame libpcap hands out, plus a synthetic Ethernet header. */
	c->bufsz = (size_t)pcap_snapshot(c->pc);
	if (c->bufsz < 65536)
		c->bufsz = 65536;
	c->bufsz += VX_ETH_HLEN + 2;
	c->buf = malloc(c->bufsz);
	if (!c->buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		pcap_close(c->pc);
		c->pc = NULL;
		return -ENOMEM;
	}
	return 0;
}

int vx_capture_next(struct vx_capture *c, struct vx_frame *f, char *err,
		    size_t errlen)
{
	struct pcap_pkthdr *h;
	const unsigned char *d;
	long n;
	int r = pcap_next_ex(c->pc, &h, &d);

	if (r == PCAP_ERROR_BREAK)
		return 0;
	if (r != 1) {
		snprintf(err, errlen, "%s: %s", c->path, pcap_geterr(c->pc));
		return -1;
	}
	f->wirelen = h->len;
	f->truncated = h->caplen < h->len;
	f->cut = f->truncated ? h->len - h->caplen : 0;
	f->skip[0] = '\0';
	/* pcapng's snap length is per interface, pcap_snapshot() one of
	 * them: a frame larger than the buffer grows it, never is lost. */
	if ((size_t)h->caplen + VX_ETH_HLEN + 2 > c->bufsz) {
		size_t sz = (size_t)h->caplen + VX_ETH_HLEN + 2;
		unsigned char *nb = realloc(c->buf, sz);

		if (!nb) {
			snprintf(err, errlen, "%s: out of memory for a %u-byte frame",
				 c->path, h->caplen);
			return -1;
		}
		c->buf = nb;
		c->bufsz = sz;
	}
	/* Two bytes in (NET_IP_ALIGN), like a driver's receive buffer: the IP
	 * header after a 14-byte Ethernet header is then 4-byte aligned for
	 * the parser's struct reads. */
	n = vx_capture_to_eth(c->dlt, d, h->caplen, c->buf + 2, c->bufsz - 2,
			      &f->data, f->skip, sizeof(f->skip));
	if (n == VX_CAP_NOT_IP) {
		f->data = NULL;
		f->len = 0;
	} else if (n <= 0) {
		f->skip[0] = '\0';
		f->data = NULL;
		f->len = 0;
	} else {
		f->len = (size_t)n;
	}
	return 1;
}

void vx_capture_close(struct vx_capture *c)
{
	if (c->pc)
		pcap_close(c->pc);
	free(c->buf);
	c->pc = NULL;
	c->buf = NULL;
}
