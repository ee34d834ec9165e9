// SPDX-License-Identifier: GPL-2.0
/*
 * The front copy of the flow cache (vx_flowfront, bpf/maps.bpf.h): the
 * XDP program trusts a slot only when it holds the packet's key and a
 * check word that matches the value, and otherwise asks vx_flows.  Run on
 * the compiled program (BPF_PROG_TEST_RUN), with slots written into its
 * .bss from here the way a slot two CPUs wrote at once could look:
 *
 *   - write-through: a flow identified by its bytes (PPTP control) has
 *     its vx_flows entry copied, key, value and check, into its slot;
 *   - a planted slot that is whole is believed (the positive control:
 *     the program does read the front, by either direction of the flow,
 *     IPv4 inline in the fast path and IPv6 through vx_fast_flow()), one
 *     with a check off by a bit, a value changed under its check, or
 *     another key is not, and the flow it names has no vx_flows entry:
 *     other;
 *   - two flows in one slot: the later one's copy there, the earlier one
 *     still known from vx_flows (its bare ACK stays PPTP).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "check.h"
#include "classify_user.h"
#include "classify/bpfrun.h"
#include "classify/craft.h"
#include "forget.h"

struct front {
	struct br b;
	int bss_fd;
	size_t bss_size, front_off, bits_off, bits_size;
	unsigned char *bss;
};

/* Where @name lies in .bss, from the object's BTF (the front is static,
 * so not in the skeleton's struct). */
static int bss_var(struct front *f, const char *name, size_t *off, size_t *size)
{
	const struct btf *btf = bpf_object__btf(f->b.skel->obj);
	int id = btf ? btf__find_by_name_kind(btf, ".bss", BTF_KIND_DATASEC) : -1;
	const struct btf_type *sec;
	const struct btf_var_secinfo *vi;

	if (id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, (__u32)id);
	vi = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vi++) {
		const struct btf_type *v = btf__type_by_id(btf, vi->type);

		if (strcmp(btf__name_by_offset(btf, v->name_off), name) == 0) {
			*off = vi->offset;
			*size = vi->size;
			return 0;
		}
	}
	return -ENOENT;
}

static int bss_read(struct front *f)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(f->bss_fd, &k, f->bss) ? -errno : 0;
}

static int bss_write(struct front *f)
{
	__u32 k = 0;

	return bpf_map_update_elem(f->bss_fd, &k, f->bss, BPF_ANY) ? -errno : 0;
}

/* The slot of @k as the program lays it out: key, value, check. */
struct slot {
	struct vx_flow_key k;
	struct vx_flow_val v;
	__u32 check;
};

static struct slot *slot_of(struct front *f, const struct vx_flow_key *k)
{
	return (struct slot *)(f->bss + f->front_off +
			       (vx_front_fold(k) & (VX_FRONT_SLOTS - 1)) * sizeof(struct slot));
}

/* The flow key the program builds for @frame (the shared parser's). */
static int key_of(const uint8_t *frame, size_t len, struct vx_flow_key *k)
{
	struct vx_pkt p = {};

	if (vx_parse(&p, frame, frame + len) != 0)
		return -1;
	vx_flow_key(k, &p);
	return 0;
}

static const char *cls_name(int c)
{
	return c == VX_C_OTHER ? "other" : c == VX_C_WIREGUARD ? "wireguard" :
	       c == VX_C_PPTP ? "pptp" : "another class";
}

/* PPTP's Start-Control-Connection-Request: what identifies the flow. */
static size_t pptp_sccrq(uint8_t *fr, uint16_t sport)
{
	uint8_t pl[156] = { 0x00, 0x9c, 0x00, 0x01, 0x1a, 0x2b, 0x3c, 0x4d, 0x00, 0x01 };
	struct cr_spec s = { .proto = IPPROTO_TCP, .sport = sport, .dport = 1723 };

	return cr_build(fr, &s, pl, sizeof(pl));
}

static size_t pptp_ack(uint8_t *fr, uint16_t sport)
{
	struct cr_spec s = { .proto = IPPROTO_TCP, .sport = sport, .dport = 1723,
			     .tcp_flags = 0x10 };

	return cr_build(fr, &s, NULL, 0);
}

/* A UDP datagram between ports no signature names, bytes no check claims;
 * @reply: the other direction of the same flow; @v6: over IPv6. */
static size_t plain_udp(uint8_t *fr, int reply, int v6)
{
	uint8_t pl[40];
	struct cr_spec s = { .proto = IPPROTO_UDP, .sport = 40123, .dport = 40321,
			     .swap = reply, .v6 = v6 };

	for (size_t i = 0; i < sizeof(pl); i++)
		pl[i] = (uint8_t)(0x55 + i * 7);
	return cr_build(fr, &s, pl, sizeof(pl));
}

static int run(struct front *f, const uint8_t *fr, size_t len, int *cls)
{
	int conf = 0;
	__u32 ret;

	return br_classify(&f->b, fr, len, cls, &conf, &ret);
}

static void write_through(struct front *f)
{
	uint8_t fr[CR_MAX];
	size_t len = pptp_sccrq(fr, 41000);
	struct vx_flow_key k, lk;
	struct vx_flow_val lv;
	struct slot *s;
	int cls = -1, used = 0;

	begin();
	expect(run(f, fr, len, &cls) == 0, "the program did not count the frame");
	expect(cls == VX_C_PPTP, "classified %s, want pptp", cls_name(cls));
	expect(key_of(fr, len, &k) == 0, "the frame does not parse");
	expect(bpf_map_get_next_key(bpf_map__fd(f->b.skel->maps.vx_flows), NULL, &lk) == 0 &&
	       bpf_map_lookup_elem(bpf_map__fd(f->b.skel->maps.vx_flows), &lk, &lv) == 0,
	       "no vx_flows entry for the flow");
	expect(memcmp(&lk, &k, sizeof(k)) == 0, "the vx_flows key is not the frame's");
	expect(bss_read(f) == 0, "cannot read .bss");
	s = slot_of(f, &k);
	expect(memcmp(&s->k, &k, sizeof(k)) == 0, "the slot does not hold the flow's key");
	expect(memcmp(&s->v, &lv, sizeof(lv)) == 0, "the slot's value is not vx_flows'");
	expect(s->check == vx_front_check(vx_front_fold(&k), (const __u32 *)&s->v),
	       "the slot's check word does not match");
	for (size_t i = 0; i < VX_FRONT_SLOTS; i++)
		used += ((struct slot *)(f->bss + f->front_off))[i].check != 0;
	expect(used == 1, "%d slots written, want 1 (one vx_flows entry)", used);
	result(ok_now, why, "front_write_through_pptp_control");
}

/* Plant a slot for plain_udp()'s flow claiming WireGuard, spoiled by
 * @spoil, every filter bit set (so that the program looks), and run the
 * datagram.  Returns the class it was counted under, or -1. */
enum spoil { WHOLE, WHOLE_REPLY, WHOLE_V6, CHECK_BIT, VALUE_CHANGED, OTHER_KEY,
	     OTHER_KEY_V6 };

static int planted(struct front *f, enum spoil how)
{
	uint8_t fr[CR_MAX];
	size_t len = plain_udp(fr, how == WHOLE_REPLY,
			       how == WHOLE_V6 || how == OTHER_KEY_V6);
	struct vx_flow_key k;
	struct slot *s;
	int cls = -1;

	if (vx_prog_forget(f->b.skel) || key_of(fr, len, &k) || bss_read(f))
		return -1;
	memset(f->bss + f->bits_off, 0xff, f->bits_size);
	s = slot_of(f, &k);
	memset(s, 0, sizeof(*s));
	s->k = k;
	s->v.cls = VX_C_WIREGUARD;
	s->v.conf = VX_CONF_PAYLOAD;
	s->check = vx_front_check(vx_front_fold(&k), (const __u32 *)&s->v);
	if (how == CHECK_BIT)
		s->check ^= 2;
	if (how == VALUE_CHANGED)
		s->v.conf = VX_CONF_VERIFIED;
	if (how == OTHER_KEY)
		s->k.port_lo ^= 1;
	if (how == OTHER_KEY_V6)
		s->k.addr_hi[3] ^= 1;
	if (bss_write(f) || run(f, fr, len, &cls))
		return -1;
	return cls;
}

static void planted_slots(struct front *f)
{
	static const struct { enum spoil how; int want; const char *name; } c[] = {
		{ WHOLE, VX_C_WIREGUARD, "front_whole_slot_is_read" },
		{ WHOLE_REPLY, VX_C_WIREGUARD, "front_whole_slot_is_read_by_the_reply" },
		{ CHECK_BIT, VX_C_OTHER, "front_check_off_by_a_bit_not_trusted" },
		{ VALUE_CHANGED, VX_C_OTHER, "front_value_changed_under_check_not_trusted" },
		{ OTHER_KEY, VX_C_OTHER, "front_other_key_not_trusted" },
		{ WHOLE_V6, VX_C_WIREGUARD, "front_whole_slot_is_read_ipv6" },
		{ OTHER_KEY_V6, VX_C_OTHER, "front_other_address_not_trusted_ipv6" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int cls = planted(f, c[i].how);

		begin();
		expect(cls >= 0, "cannot plant the slot or run the frame");
		expect(cls == c[i].want, "classified %s, want %s", cls_name(cls),
		       cls_name(c[i].want));
		result(ok_now, why, "%s", c[i].name);
	}
}

/* Two PPTP control flows whose keys share a slot: the later one's copy
 * is there, and the earlier one's bare ACK is still PPTP (vx_flows). */
static void shared_slot(struct front *f)
{
	uint8_t fa[CR_MAX], fb[CR_MAX];
	size_t la = pptp_sccrq(fa, 42000), lb = 0;
	struct vx_flow_key ka, kb;
	uint16_t port = 0;
	int cls = -1;

	begin();
	expect(vx_prog_forget(f->b.skel) == 0, "cannot reset the program's memory");
	expect(key_of(fa, la, &ka) == 0, "the frame does not parse");
	for (uint32_t p = 42001; p < 65536 && !port; p++) {
		lb = pptp_sccrq(fb, (uint16_t)p);
		if (key_of(fb, lb, &kb) == 0 &&
		    ((vx_front_fold(&ka) ^ vx_front_fold(&kb)) & (VX_FRONT_SLOTS - 1)) == 0)
			port = (uint16_t)p;
	}
	expect(port != 0, "no source port puts a second flow in the first one's slot");
	expect(run(f, fa, la, &cls) == 0 && cls == VX_C_PPTP, "the first flow: %s", cls_name(cls));
	expect(run(f, fb, lb, &cls) == 0 && cls == VX_C_PPTP, "the second flow: %s", cls_name(cls));
	expect(bss_read(f) == 0, "cannot read .bss");
	expect(memcmp(&slot_of(f, &ka)->k, &kb, sizeof(kb)) == 0,
	       "the slot does not hold the later flow");
	la = pptp_ack(fa, 42000);
	expect(run(f, fa, la, &cls) == 0, "the program did not count the ACK");
	expect(cls == VX_C_PPTP, "the first flow's ACK: %s, want pptp (from vx_flows)",
	       cls_name(cls));
	result(ok_now, why, "front_shared_slot_earlier_flow_from_vx_flows");
}

int main(void)
{
	struct vx_compiled *comp = calloc(1, sizeof(*comp));
	struct vx_policy pol;
	struct front f = { 0 };
	size_t front_size = 0;
	int err;

	if (geteuid() != 0) {
		printf("SKIP front: needs root for BPF_PROG_TEST_RUN\n");
		return 0;
	}
	if (!comp)
		return 1;
	vx_policy_init(&pol);
	vx_policy_compile(&pol, comp);
	err = br_open(&f.b, comp, 4096);
	if (err) {
		printf("FAIL front_load: cannot load the program: %s\n", strerror(-err));
		return 1;
	}
	f.bss_fd = bpf_map__fd(f.b.skel->maps.bss);
	f.bss_size = bpf_map__value_size(f.b.skel->maps.bss);
	f.bss = calloc(1, f.bss_size);
	begin();
	expect(f.bss != NULL, "out of memory");
	expect(bss_var(&f, "vx_flowfront", &f.front_off, &front_size) == 0,
	       "no vx_flowfront in .bss");
	expect(front_size == VX_FRONT_SLOTS * sizeof(struct slot),
	       "vx_flowfront is %zu bytes, want %zu", front_size,
	       (size_t)VX_FRONT_SLOTS * sizeof(struct slot));
	expect(bss_var(&f, "vx_flowbits", &f.bits_off, &f.bits_size) == 0,
	       "no vx_flowbits in .bss");
	result(ok_now, why, "front_layout");
	if (ok_now) {
		write_through(&f);
		planted_slots(&f);
		shared_slot(&f);
	}
	free(f.bss);
	br_close(&f.b);
	vx_policy_free(&pol);
	free(comp);
	return n_fail ? 1 : 0;
}
