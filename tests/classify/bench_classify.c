// SPDX-License-Identifier: GPL-2.0
/*
 * ns/packet of the compiled classifier under BPF_PROG_TEST_RUN, next to a
 * program that only returns XDP_PASS (the floor), for a few packet kinds.
 * One kernel-timed run of N repetitions per packet (default 1000000).
 *
 *   sudo build/tests/classify/bench_classify [N [OBJ]]
 *
 * OBJ: another build of the program (a .bpf.o with the same policy maps,
 * e.g. an older commit's) measured in a third column, for comparison.
 *
 * Not a test (the Makefile does not run it): timings on a shared machine
 * are for reading, not for asserting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "classify/bpfrun.h"
#include "classify/craft.h"

static int null_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "vx_null", "GPL", insns, 2, NULL);
}

/* Load another build of vpnxdp's object with @comp in slot 0; its program
 * fd, or -1. */
static int load_other(const char *path, const struct vx_compiled *comp,
		      struct bpf_object **objp)
{
	static const char *const names[] = { [VX_MAP_SIGS] = "vx_sigs",
		[VX_MAP_PROTOS] = "vx_protos", [VX_MAP_ACTIONS] = "vx_actions",
		[VX_MAP_CONFIG] = "vx_config" };
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;
	int fds[VX_NMAPS];

	if (!obj || bpf_object__load(obj))
		return -1;
	*objp = obj;
	for (int i = 0; i <= VX_MAP_CONFIG; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, names[i]);

		if (!m)
			return -1;
		fds[i] = bpf_map__fd(m);
	}
	if (vx_slot_write(fds, 0, comp) || vx_slot_switch(fds, 0, 1))
		return -1;
	prog = bpf_object__next_program(obj, NULL);
	return prog ? bpf_program__fd(prog) : -1;
}

static __u32 run(int fd, const void *f, size_t len, __u32 n)
{
	unsigned char out[4096];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = (__u32)len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = n);

	if (bpf_prog_test_run_opts(fd, &o) != 0) {
		perror("test_run");
		exit(2);
	}
	return o.duration;
}

int main(int argc, char **argv)
{
	__u32 n = argc > 1 ? (__u32)strtoul(argv[1], NULL, 10) : 1000000;
	struct { const char *name; uint8_t f[CR_MAX]; size_t len; } k[6];
	uint8_t pl[256];
	struct vx_compiled *comp = calloc(1, sizeof(*comp));
	struct vx_policy pol;
	struct bpf_object *other = NULL;
	struct br b;
	int nk = 0, nullfd, otherfd = -1;

	if (!comp)
		return 2;
	vx_policy_init(&pol);
	vx_policy_compile(&pol, comp);
	if (br_open(&b, comp, VX_FLOWS_DEFAULT)) {
		fprintf(stderr, "cannot load vpnxdp (root?)\n");
		return 2;
	}
	if (argc > 2) {
		otherfd = load_other(argv[2], comp, &other);
		if (otherfd < 0) {
			fprintf(stderr, "cannot load %s\n", argv[2]);
			return 2;
		}
	}
	nullfd = null_prog();
	if (nullfd < 0) {
		perror("null program");
		return 2;
	}

	/* a DNS query: UDP 53, 40 bytes of payload */
	memset(pl, 0, sizeof(pl));
	cr_hex(pl, sizeof(pl), "abcd0100000100000000000003777777076578616d706c6503636f6d0000010001");
	k[nk].name = "non-VPN UDP (DNS)";
	k[nk].len = cr_build(k[nk].f, &(struct cr_spec){ .proto = IPPROTO_UDP,
		.sport = 40000, .dport = 53 }, pl, 40);
	nk++;
	/* WireGuard transport data, 128 bytes, to 51820 */
	memset(pl, 0x5a, sizeof(pl));
	pl[0] = 4; pl[1] = pl[2] = pl[3] = 0;
	k[nk].name = "WireGuard, UDP 51820 (verified)";
	k[nk].len = cr_build(k[nk].f, &(struct cr_spec){ .proto = IPPROTO_UDP,
		.sport = 40001, .dport = 51820 }, pl, 128);
	nk++;
	k[nk].name = "WireGuard, UDP 40404 (payload)";
	k[nk].len = cr_build(k[nk].f, &(struct cr_spec){ .proto = IPPROTO_UDP,
		.sport = 40002, .dport = 40404 }, pl, 128);
	nk++;
	k[nk].name = "non-VPN TCP ACK";
	k[nk].len = cr_build(k[nk].f, &(struct cr_spec){ .proto = IPPROTO_TCP,
		.sport = 40003, .dport = 80 }, pl, 0);
	nk++;

	printf("%-34s %10s %10s %7s", "packet", "vpnxdp ns", "XDP_PASS", "ratio");
	if (otherfd >= 0)
		printf(" %10s %7s", "OBJ ns", "ratio");
	printf("\n");
	for (int i = 0; i < nk; i++) {
		__u32 a, z, o = 0;

		/* warm the flow cache and the caches */
		run(b.prog_fd, k[i].f, k[i].len, 1000);
		run(nullfd, k[i].f, k[i].len, 1000);
		a = run(b.prog_fd, k[i].f, k[i].len, n);
		z = run(nullfd, k[i].f, k[i].len, n);
		printf("%-34s %10u %10u %6.2fx", k[i].name, a, z, z ? (double)a / z : 0.0);
		if (otherfd >= 0) {
			run(otherfd, k[i].f, k[i].len, 1000);
			o = run(otherfd, k[i].f, k[i].len, n);
			printf(" %10u %6.2fx", o, z ? (double)o / z : 0.0);
		}
		printf("\n");
	}
	bpf_object__close(other);
	close(nullfd);
	br_close(&b);
	vx_policy_free(&pol);
	free(comp);
	return 0;
}
