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

long vx_capture_to_eth(int dlt, const unsigned char *in, size_t caplen,
		       unsigned char *out, size_t outsz,
		       const unsigned char **frame)
{
	size_t hlen;
	uint16_t etype;
	uint32_t fam;

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
	default:
		return -1;
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
			 "(Ethernet, Linux cooked, raw IP and loopback are)",
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
	/* Two bytes in (NET_IP_ALIGN), like a driver's receive buffer: the IP
	 * header after a 14-byte Ethernet header is then 4-byte aligned for
	 * the parser's struct reads. */
	n = vx_capture_to_eth(c->dlt, d, h->caplen, c->buf + 2, c->bufsz - 2, &f->data);
	if (n <= 0) {
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
