// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for replay's link-layer conversion and flow parse: any
 * bytes as a frame of any readable link type (PPP and HDLC framings,
 * cooked, loopback, raw IP), converted to Ethernet, then parsed for its
 * flow as cut by a snap length and as larger than the IP lengths can say.
 * Input: link type selector (1 byte), cut selector (4 bytes), frame.
 * Every buffer is exactly as long as its contents, so ASan sees any read
 * past them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "replay/capture.h"
#include "replay/wire.h"

static const int vx_dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, 276 /* SLL2 */, DLT_RAW,
			       228 /* IPV4 */, 229 /* IPV6 */, DLT_NULL, DLT_LOOP,
			       DLT_PPP, 50 /* PPP_SERIAL */, 104 /* C_HDLC */ };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *frame = NULL;
	struct vx_frame fr = { 0 };
	unsigned char *in, *out;
	char why[48] = "";
	uint32_t cut;
	size_t outsz;
	long n;
	int dlt;

	if (size < 5)
		return 0;
	dlt = vx_dlts[data[0] % (sizeof(vx_dlts) / sizeof(vx_dlts[0]))];
	memcpy(&cut, data + 1, 4);
	data += 5;
	size -= 5;
	in = malloc(size ? size : 1);
	outsz = size + 14;
	out = malloc(outsz + 2);
	if (!in || !out)
		abort();
	memcpy(in, data, size);
	n = vx_capture_to_eth(dlt, in, size, out + 2, outsz, &frame, why, sizeof(why));
	if (n == VX_CAP_NOT_IP && (!why[0] || !memchr(why, '\0', sizeof(why))))
		abort(); /* a skipped frame always says why */
	if (n > 0) {
		struct vx_pkt p;
		unsigned char *eth = malloc((size_t)n);

		if (!eth || (size_t)n > outsz)
			abort();
		memcpy(eth, frame, (size_t)n);
		fr.data = eth;
		fr.len = (size_t)n;
		/* As captured whole, then as cut by a snap length (up to 4 GiB
		 * on the wire, as a pcap header may claim). */
		(void)vx_parse_wire(&p, &fr);
		fr.cut = cut;
		fr.truncated = cut != 0;
		fr.wirelen = fr.len + cut;
		(void)vx_parse_wire(&p, &fr);
		free(eth);
	}
	free(in);
	free(out);
	return 0;
}
