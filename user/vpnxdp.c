// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp: classify, count and police VPN traffic in XDP.
 *
 * Command table in the manner of bpftool: `vpnxdp [-v] COMMAND ARGS`, one
 * file per command.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#include "cli.h"
#include "log.h"

#ifndef VX_VERSION
#define VX_VERSION "0.1"
#endif

static const struct vx_cmd vx_cmds[] = {
	{ "attach", cmd_attach,
	  "attach IFACE [--mode native|skb|auto] [--policy FILE] [--flows N]\n"
	  "       [--interval MS] [--ring-size BYTES]\n"
	  "    Load and attach the classifier to IFACE (native XDP by default;\n"
	  "    auto falls back to skb mode) and pin it under /sys/fs/bpf/vpnxdp/IFACE.\n"
	  "    --flows: flows the flow cache remembers (LRU, default 65536).\n"
	  "    --interval: rate record interval (default 1000, at least 100);\n"
	  "    --ring-size: bytes of each ring buffer (power of two, default 262144)." },
	{ "detach", cmd_detach,
	  "detach IFACE\n"
	  "    Detach the classifier from IFACE and remove every pin." },
	{ "status", cmd_status,
	  "status [IFACE] [--json]\n"
	  "    Attached interfaces: mode, program id, dispatcher or single program,\n"
	  "    the policy in force." },
	{ "stats", cmd_stats,
	  "stats IFACE [--json]\n"
	  "    Cumulative per-class counters: packets, bytes, dropped; what the policy\n"
	  "    did (passed, dropped by rule, by rate limit, denied by allow-list); and\n"
	  "    packets by confidence (verified, port only, payload only)." },
	{ "policy", cmd_policy,
	  "policy check [--json] FILE\n"
	  "policy apply IFACE [--json] FILE\n"
	  "policy show IFACE [--json]\n"
	  "policy diff IFACE [--json] FILE\n"
	  "    check: validate without touching the kernel. apply: replace the policy\n"
	  "    in force on IFACE, atomically (the same policy twice: 'unchanged').\n"
	  "    show: the policy in force and its generation. diff: what apply would\n"
	  "    change. --json: FILE is JSON (a file starting with '{' always is);\n"
	  "    show prints JSON that apply reads back. FILE '-' is standard input.\n"
	  "    See vpnxdp-policy(5)." },
	{ "top", cmd_top,
	  "top [IFACE...] [--json] [--count N]\n"
	  "    Live per-class rates from the ring buffer (all attached interfaces\n"
	  "    by default): full screen on a terminal (keys: q quit, s sort,\n"
	  "    p pause, arrows move, h help), else (or with --json) one JSON\n"
	  "    object per interval and interface; --count N stops after N intervals." },
	{ "events", cmd_events,
	  "events [IFACE] [--json] [--count N]\n"
	  "    Stream drop and new-flow events (rate-capped per CPU), one per line,\n"
	  "    from every attached interface by default." },
	{ "replay", cmd_replay,
	  "replay [--policy FILE] [--json] CAPTURE...\n"
	  "    Dry run: the real program judges every frame of pcap/pcapng captures\n"
	  "    (BPF_PROG_TEST_RUN, nothing attached); prints per flow the class,\n"
	  "    confidence, packets, bytes and dropped." },
};

#define VX_NCMDS (sizeof(vx_cmds) / sizeof(vx_cmds[0]))

/* One command's usage text, every synopsis line led by @lead and "vpnxdp "
 * (description lines, which start with a space, as they are). */
static void vx_print_usage(FILE *f, const char *usage, const char *lead)
{
	fprintf(f, "%svpnxdp ", lead);
	for (const char *p = usage; *p; p++) {
		fputc(*p, f);
		if (*p == '\n' && p[1] && p[1] != ' ')
			fprintf(f, "%*svpnxdp ", (int)strlen(lead), "");
	}
	fputc('\n', f);
}

static void vx_main_usage(FILE *f)
{
	fprintf(f, "Usage: vpnxdp [-v] COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < VX_NCMDS; i++)
		vx_print_usage(f, vx_cmds[i].usage, "  ");
	fprintf(f, "\nOptions: -v more messages (twice: libbpf/libxdp debug), "
		   "--version, --help.\n"
		   "Exit status: 0 done or nothing to do, 1 bad input (nothing "
		   "changed), 2 system error.\nSee vpnxdp(8).\n");
}

void vx_usage(const char *cmd, bool to_stderr)
{
	FILE *f = to_stderr ? stderr : stdout;

	for (size_t i = 0; i < VX_NCMDS; i++)
		if (strcmp(vx_cmds[i].name, cmd) == 0)
			vx_print_usage(f, vx_cmds[i].usage, "Usage: ");
}

bool vx_need_root(void)
{
	if (geteuid() != 0) {
		vx_err("must be run as root (needs CAP_BPF and CAP_NET_ADMIN)");
		return false;
	}
	/* BPF_PROG_LOAD with no attributes: EINVAL/EFAULT means bpf(2)
	 * exists; ENOSYS means the kernel was built without it. */
	if (syscall(__NR_bpf, -1, NULL, 0) < 0 && errno == ENOSYS) {
		vx_err("this kernel has no bpf(2) system call (CONFIG_BPF_SYSCALL)");
		return false;
	}
	return true;
}

bool vx_iface_name_ok(const char *ifname)
{
	size_t n = strlen(ifname);

	if (n == 0 || n >= IF_NAMESIZE || strchr(ifname, '/') ||
	    !strcmp(ifname, ".") || !strcmp(ifname, "..")) {
		vx_err("'%s' is not a valid interface name", ifname);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (ifname[i] <= ' ' || ifname[i] == ':' || (unsigned char)ifname[i] >= 0x7f) {
			vx_err("'%s' is not a valid interface name", ifname);
			return false;
		}
	}
	return true;
}

int vx_parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

unsigned int vx_iface_index(const char *ifname)
{
	unsigned int idx;

	if (!vx_iface_name_ok(ifname))
		return 0;
	idx = if_nametoindex(ifname);
	if (!idx)
		vx_err("%s: no such interface", ifname);
	return idx;
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			vx_verbose++;
		} else if (!strcmp(argv[i], "-vv")) {
			vx_verbose += 2;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			vx_main_usage(stdout);
			return VX_EXIT_OK;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("vpnxdp %s\n", VX_VERSION);
			return VX_EXIT_OK;
		} else {
			vx_err("unknown option '%s'", argv[i]);
			vx_main_usage(stderr);
			return VX_EXIT_INPUT;
		}
	}
	if (i >= argc) {
		vx_main_usage(stderr);
		return VX_EXIT_INPUT;
	}
	if (!strcmp(argv[i], "help")) {
		vx_main_usage(stdout);
		return VX_EXIT_OK;
	}
	vx_log_setup_libs();
	for (size_t c = 0; c < VX_NCMDS; c++)
		if (!strcmp(argv[i], vx_cmds[c].name))
			return vx_cmds[c].fn(argc - i, argv + i);
	vx_err("unknown command '%s'; 'vpnxdp --help' lists them", argv[i]);
	return VX_EXIT_INPUT;
}
