// SPDX-License-Identifier: GPL-2.0
/*
 * progbench: what one packet costs each XDP program, by BPF_PROG_TEST_RUN.
 *
 *   progbench features
 *	the maps of vpnxdp's object (name, type, sizes) as JSON, so that the
 *	bench script can tell which data-path features exist today.
 *   progbench compare --null OBJ [--xdpfilt DIR] [options]
 *	every packet kind through the null XDP_PASS floor, vpnxdp with the
 *	default policy (or --policy) and xdp-filter's objects with the same
 *	VPN ports in their port map.
 *   progbench scale --null OBJ [--policy FILE] [--fill-map NAME --fill N
 *                   [--fill-traffic]]
 *	vpnxdp (and the floor) on a few packet kinds, with a large policy
 *	or a map pre-filled to N entries: N random keys, or with
 *	--fill-traffic the entries vpnxdp itself makes for N distinct
 *	WireGuard handshakes run through it (its own keys, and whatever it
 *	keeps beside the map, such as a Bloom filter, filled the same way).
 *
 * options: --rounds N --repeat N --packets a,b,c --json FILE --label TEXT
 *
 * Rounds are interleaved (round r runs every program on every packet before
 * round r+1 starts) so that load from other processes on a shared machine
 * spreads over all programs instead of falling on one.  The time per packet
 * is this thread's CPU time over the test run divided by the repeat count:
 * like the kernel's own duration it leaves out time the thread spends
 * preempted by other load (the wall clock does not), and unlike it, it is
 * not truncated to whole nanoseconds (at ~5 ns for the floor that would be a
 * 20% error).  The kernel's figure is kept beside it in the JSON as a check;
 * see docs/BENCHMARKS.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "vpnxdp.skel.h"
#include "core/loader.h"
#include "policy/policy.h"
#include "policy/maps.h"
#include "packets.h"

#define MAX_PKTS 16
#define MAX_PROGS 10 /* null, vpnxdp, notimer, 2 xdp-filter, 4 extras */
#define MAX_ROUNDS 50

/* xdp-filter's port map (xdp-tools xdp-filter/common_kern_user.h): key is
 * the port as the packet carries it (network order, widened to __u32),
 * value per CPU a __u64 of these flags (the upper bits count hits). */
#define XF_FLAG_SRC (1u << 0)
#define XF_FLAG_DST (1u << 1)
#define XF_FLAG_TCP (1u << 2)
#define XF_FLAG_UDP (1u << 3)

struct prog {
	const char *name;
	const char *desc;
	int fd;          /* default program */
	int fd_tcp;      /* used for TCP packets instead, when >= 0 */
	struct bpf_object *obj, *obj_tcp;
};

struct sample {
	double cpu[MAX_ROUNDS];   /* ns/packet by this thread's CPU time */
	__u32 kern[MAX_ROUNDS];   /* ns/packet by BPF_PROG_TEST_RUN */
	__u32 retval;
	int err;
};

struct opts {
	const char *mode;
	const char *null_obj;
	const char *xdpfilt_dir;
	const char *policy;
	const char *json;
	const char *label;
	const char *fill_map;
	bool fill_traffic;
	const char *packets;
	const char *extra[MAX_PROGS]; /* NAME=OBJ: more programs to compare */
	int nextra;
	bool notimer;   /* also vpnxdp without the rate flush timer */
	long fill;
	int rounds;
	long repeat;
};

static struct vpnxdp_bpf *skel, *skel_nt;
static long filled = -1; /* entries in the --fill-map map once filled */

static const char *map_type_name(enum bpf_map_type t)
{
	const char *s = libbpf_bpf_map_type_str(t);

	return s ? s : "unknown";
}

static int cmd_features(void)
{
	struct bpf_object *obj;
	struct bpf_map *m;
	json_t *root = json_object(), *maps = json_array();

	skel = vpnxdp_bpf__open();
	if (!skel) {
		fprintf(stderr, "progbench: cannot open vpnxdp's object\n");
		return 1;
	}
	obj = skel->obj;
	bpf_object__for_each_map(m, obj) {
		struct bpf_map *in = bpf_map__inner_map(m);
		json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:I}",
			"name", bpf_map__name(m),
			"type", map_type_name(bpf_map__type(m)),
			"max_entries", (json_int_t)bpf_map__max_entries(m),
			"key_size", (json_int_t)bpf_map__key_size(m),
			"value_size", (json_int_t)bpf_map__value_size(m));

		/* A map of maps: say what it holds (an LPM trie per slot, say). */
		if (in)
			json_object_set_new(j, "inner_type",
					    json_string(map_type_name(bpf_map__type(in))));
		json_array_append_new(maps, j);
	}
	json_object_set_new(root, "maps", maps);
	json_dumpf(root, stdout, JSON_INDENT(1));
	putchar('\n');
	json_decref(root);
	vpnxdp_bpf__destroy(skel);
	return 0;
}

static int read_policy(const char *path, struct vx_policy *pol)
{
	struct vx_diag d;
	char err[300], *buf;
	size_t len;
	int r;

	vx_policy_init(pol);
	if (!path)
		return 0;
	if (vx_read_file(path, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, "progbench: %s\n", err);
		return -1;
	}
	r = vx_policy_parse_text(pol, buf, len, path, &d);
	free(buf);
	if (r)
		vx_diag_print(&d);
	return r ? -1 : 0;
}

/* Fill @m with @n distinct random keys (zero values): the occupancy a
 * large flow table would have.  The benchmark's own packets miss them, so
 * the lookup cost measured is that of a full table. */
static int fill_map(struct bpf_map *m, long n)
{
	enum bpf_map_type t = bpf_map__type(m);
	size_t ks = bpf_map__key_size(m), vs = bpf_map__value_size(m);
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(m);
	const long chunk = 4096;
	__u8 *keys, *vals;
	long done = 0;

	if (t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH)
		vs = ((vs + 7) & ~(size_t)7) * (size_t)ncpu;
	keys = malloc(ks * chunk);
	vals = calloc(chunk, vs);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	srand48(42);
	while (done < n) {
		__u32 cnt = (__u32)(n - done < chunk ? n - done : chunk);
		LIBBPF_OPTS(bpf_map_batch_opts, bo, .elem_flags = BPF_ANY);

		for (size_t i = 0; i < cnt * ks; i++)
			keys[i] = (__u8)lrand48();
		if (bpf_map_update_batch(fd, keys, vals, &cnt, &bo) != 0) {
			/* No batch support for this map type: one by one. */
			for (__u32 i = 0; i < cnt; i++)
				if (bpf_map_update_elem(fd, keys + i * ks,
							vals + i * vs, BPF_ANY)) {
					int err = -errno;

					free(keys);
					free(vals);
					return err;
				}
		}
		done += cnt;
	}
	free(keys);
	free(vals);
	return 0;
}

/* N distinct flows through the program itself, one test run each. */
static int fill_by_traffic(int prog_fd, long n)
{
	__u8 frame[BP_MAX_FRAME];

	for (long i = 0; i < n; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame, .repeat = 1);

		t.data_size_in = (__u32)bench_wg_initiation(frame, (__u32)i);
		if (bpf_prog_test_run_opts(prog_fd, &t) != 0)
			return -errno;
	}
	return 0;
}

static long count_entries(int fd, size_t key_size)
{
	__u8 *a = calloc(2, key_size), *k = a, *next = a + key_size;
	long n = 0;

	if (!a)
		return -ENOMEM;
	if (bpf_map_get_next_key(fd, NULL, next) == 0) {
		do {
			n++;
			memcpy(k, next, key_size);
		} while (bpf_map_get_next_key(fd, k, next) == 0);
	}
	free(a);
	return n;
}

/* vpnxdp without its rate flush timer (vx_timer_on = 0; the verifier
 * removes the code it guards), policy @comp: what the timer costs. */
static struct vpnxdp_bpf *load_notimer(const struct vx_compiled *comp)
{
	struct vx_load_opts lo = { 0 };
	struct vpnxdp_bpf *s = vx_open(&lo);

	if (!s)
		return NULL;
	s->rodata->vx_timer_on = 0;
	if (vpnxdp_bpf__load(s) || vx_tail_fill(s) || vx_slot_write(s, 0, comp) ||
	    vx_slot_switch(s, 0, 1)) {
		vpnxdp_bpf__destroy(s);
		return NULL;
	}
	return s;
}

/* vpnxdp as `vpnxdp attach` sets it up: slot 0 written, then made live. */
static int load_vpnxdp(const struct opts *o, struct vx_compiled *comp)
{
	struct vx_load_opts lo = { 0 }; /* no pins */
	struct bpf_map *fm = NULL;
	struct vx_policy pol;
	int err;

	if (read_policy(o->policy, &pol))
		return -EINVAL;
	vx_policy_compile(&pol, comp);
	vx_policy_free(&pol);

	skel = vx_open(&lo);
	if (!skel)
		return -errno;
	if (o->fill_map) {
		fm = bpf_object__find_map_by_name(skel->obj, o->fill_map);
		if (!fm) {
			fprintf(stderr, "progbench: no map %s\n", o->fill_map);
			return -ENOENT;
		}
		if ((long)bpf_map__max_entries(fm) < o->fill)
			bpf_map__set_max_entries(fm, (__u32)o->fill);
	}
	err = vpnxdp_bpf__load(skel);
	if (!err)
		err = vx_tail_fill(skel);
	if (err)
		return err;
	err = vx_slot_write(skel, 0, comp);
	if (!err)
		err = vx_slot_switch(skel, 0, 1);
	if (err)
		return err;
	if (fm && o->fill > 0) {
		if (o->fill_traffic)
			err = fill_by_traffic(bpf_program__fd(skel->progs.vpnxdp_xdp),
					      o->fill);
		else
			err = fill_map(fm, o->fill);
		if (err)
			fprintf(stderr, "progbench: filling %s: %s\n", o->fill_map,
				strerror(-err));
		else
			filled = count_entries(bpf_map__fd(fm),
					       bpf_map__key_size(fm));
	}
	return err;
}

static int load_obj(const char *path, const char *progname,
		    struct bpf_object **objp, bool share)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *p;
	struct bpf_map *m, *vm;
	int err;

	if (!obj)
		return -errno;
	/* xdp-filter pins its maps by name in the bpffs root: a benchmark
	 * must not touch a real xdp-filter's maps, so keep them private. */
	bpf_object__for_each_map(m, obj) {
		bpf_map__set_pin_path(m, NULL);
		vm = share ? bpf_object__find_map_by_name(skel->obj,
							  bpf_map__name(m)) : NULL;
		/* vpnxdp's .bss (the flow filter, bpf/maps.bpf.h) too, where
		 * the variant's is laid out alike: the flows vpnxdp's slow
		 * path stores must be in the filter the variant reads */
		if (share && !vm && skel->maps.bss && bpf_map__is_internal(m) &&
		    strstr(bpf_map__name(m), ".bss") &&
		    bpf_map__value_size(m) == bpf_map__value_size(skel->maps.bss))
			vm = skel->maps.bss;
		if (vm && bpf_map__reuse_fd(m, bpf_map__fd(vm)) != 0) {
			bpf_object__close(obj);
			return -EINVAL;
		}
	}
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return err;
	}
	p = progname ? bpf_object__find_program_by_name(obj, progname)
		     : bpf_object__next_program(obj, NULL);
	if (!p) {
		bpf_object__close(obj);
		return -ENOENT;
	}
	*objp = obj;
	return bpf_program__fd(p);
}

/* The same VPN ports as vpnxdp's policy, as xdp-filter expresses them:
 * match either direction, on the transports the signature names. */
static int fill_xdpfilt_ports(struct bpf_object *obj,
			      const struct vx_compiled *comp)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "filter_ports");
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	int n = 0;

	if (!m)
		return -ENOENT;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (__u32 port = 1; port < VX_SIG_PORTS; port++) {
		__u64 flags = 0;
		__u32 key = htons((__u16)port);

		if (comp->sigs[VX_L4_UDP][port].cls)
			flags |= XF_FLAG_UDP;
		if (comp->sigs[VX_L4_TCP][port].cls)
			flags |= XF_FLAG_TCP;
		if (!flags)
			continue;
		flags |= XF_FLAG_SRC | XF_FLAG_DST;
		for (int c = 0; c < ncpu; c++)
			vals[c] = flags;
		if (bpf_map_update_elem(bpf_map__fd(m), &key, vals, BPF_ANY)) {
			int err = -errno;

			free(vals);
			return err;
		}
		n++;
	}
	free(vals);
	return n;
}

/* This thread's CPU time: syscall entry/exit is noise at a large repeat. */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int run_once(int fd, const struct bench_pkt *pk, long repeat,
		    double *cpu, __u32 *kern, __u32 *retval)
{
	__u8 out[BP_MAX_FRAME + 256];
	LIBBPF_OPTS(bpf_test_run_opts, t,
		.data_in = pk->frame,
		.data_size_in = (__u32)pk->len,
		.data_out = out,
		.data_size_out = sizeof(out),
		.repeat = (int)repeat,
	);
	double t0 = now_ns();

	if (bpf_prog_test_run_opts(fd, &t) != 0)
		return -errno;
	*cpu = (now_ns() - t0) / (double)repeat;
	*kern = t.duration;
	*retval = t.retval;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct stat3 {
	double median, min, max;
};

static struct stat3 stats(const double *v, int n)
{
	double s[MAX_ROUNDS];
	struct stat3 r;

	memcpy(s, v, sizeof(*v) * (size_t)n);
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	r.min = s[0];
	r.max = s[n - 1];
	r.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	return r;
}

static const char *xdp_verdict(__u32 r)
{
	static const char *const n[] = { "aborted", "drop", "pass", "tx",
					 "redirect" };

	return r < 5 ? n[r] : "?";
}

static bool pkt_selected(const struct opts *o, const char *name)
{
	const char *p = o->packets;
	size_t l = strlen(name);

	if (!p)
		return true;
	while ((p = strstr(p, name))) {
		if ((p == o->packets || p[-1] == ',') && (p[l] == ',' || !p[l]))
			return true;
		p += l;
	}
	return false;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: progbench features\n"
		"       progbench compare --null OBJ [--xdpfilt DIR] [options]\n"
		"       progbench scale --null OBJ [--policy FILE] [--fill-map NAME --fill N [--fill-traffic]] [options]\n"
		"options: --rounds N (1..%d) --repeat N --packets a,b --json FILE --label TEXT\n"
		"         --extra NAME=OBJ (up to 4) also run OBJ's first program; its maps\n"
		"         that share a name with vpnxdp's are vpnxdp's (for variants of the\n"
		"         data path: what does each part cost?)\n"
		"         --no-timer also run vpnxdp without its rate flush timer\n"
		"         (vpnxdp_notimer: vx_timer_on = 0)\n",
		MAX_ROUNDS);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "null", required_argument, NULL, 'n' },
		{ "xdpfilt", required_argument, NULL, 'x' },
		{ "policy", required_argument, NULL, 'p' },
		{ "json", required_argument, NULL, 'j' },
		{ "label", required_argument, NULL, 'l' },
		{ "fill-map", required_argument, NULL, 'M' },
		{ "fill", required_argument, NULL, 'F' },
		{ "fill-traffic", no_argument, NULL, 'T' },
		{ "packets", required_argument, NULL, 'k' },
		{ "extra", required_argument, NULL, 'e' },
		{ "no-timer", no_argument, NULL, 'N' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "repeat", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o->null_obj = optarg; break;
		case 'x': o->xdpfilt_dir = optarg; break;
		case 'p': o->policy = optarg; break;
		case 'j': o->json = optarg; break;
		case 'l': o->label = optarg; break;
		case 'M': o->fill_map = optarg; break;
		case 'F': o->fill = atol(optarg); break;
		case 'T': o->fill_traffic = true; break;
		case 'k': o->packets = optarg; break;
		case 'e':
			if (o->nextra == 4 || !strchr(optarg, '=')) {
				usage(stderr);
				return -1;
			}
			o->extra[o->nextra++] = optarg;
			break;
		case 'N': o->notimer = true; break;
		case 'r': o->rounds = atoi(optarg); break;
		case 'R': o->repeat = atol(optarg); break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (o->rounds < 1 || o->rounds > MAX_ROUNDS || o->repeat < 1 ||
	    o->fill < 0 || !o->null_obj) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* @floor: the floor's samples of the same packet, or NULL.  The ratio is
 * taken round by round (each program's time over the floor's in that same
 * round, measured moments apart) and then the median of those: on a shared
 * machine that cancels most of the load that a ratio of medians keeps. */
static json_t *stat_json(const struct sample *s, int rounds,
			 const struct sample *floor)
{
	double kern[MAX_ROUNDS], ratio[MAX_ROUNDS];
	struct stat3 w, k, q;
	json_t *j, *jr;

	if (s->err)
		return json_pack("{s:s}", "error", strerror(-s->err));
	for (int r = 0; r < rounds; r++)
		kern[r] = s->kern[r];
	w = stats(s->cpu, rounds);
	k = stats(kern, rounds);
	j = json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:s}",
		      "ns", w.median, "ns_min", w.min, "ns_max", w.max,
		      "kernel_ns", k.median, "kernel_ns_min", k.min,
		      "kernel_ns_max", k.max, "verdict", xdp_verdict(s->retval));
	/* Every round's time, in round order: what scripts/bench/added.jq
	 * pairs round by round with the floor's and the peers'. */
	jr = json_array();
	for (int r = 0; r < rounds; r++)
		json_array_append_new(jr, json_real(s->cpu[r]));
	json_object_set_new(j, "ns_rounds", jr);
	if (floor && !floor->err) {
		for (int r = 0; r < rounds; r++)
			ratio[r] = s->cpu[r] / floor->cpu[r];
		q = stats(ratio, rounds);
		json_object_set_new(j, "ratio", json_real(q.median));
		json_object_set_new(j, "ratio_min", json_real(q.min));
		json_object_set_new(j, "ratio_max", json_real(q.max));
	}
	return j;
}

/* The table's ratio: the same per-round median as the JSON's. */
static double ratio_median(const struct sample *s, const struct sample *floor,
			   int rounds)
{
	double ratio[MAX_ROUNDS];

	if (s->err || floor->err)
		return 0;
	for (int r = 0; r < rounds; r++)
		ratio[r] = s->cpu[r] / floor->cpu[r];
	return stats(ratio, rounds).median;
}

int main(int argc, char **argv)
{
	static struct vx_compiled comp;
	struct opts o = { .rounds = 5, .repeat = 1000000 };
	struct bench_pkt pkts[MAX_PKTS];
	static struct sample res[MAX_PROGS][MAX_PKTS];
	struct prog progs[MAX_PROGS];
	struct bpf_object *null_obj = NULL;
	size_t npk = 0, all;
	int nprog = 0, err, xf_ports = -1;
	json_t *root, *jpk, *jprogs;
	char path[512];

	/* libbpf's notes (xdp-tools objects carry sections it skips) are
	 * noise in a benchmark's output; errors are reported here. */
	libbpf_set_print(NULL);
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	o.mode = argv[1];
	if (!strcmp(o.mode, "features"))
		return cmd_features();
	if (strcmp(o.mode, "compare") && strcmp(o.mode, "scale")) {
		usage(stderr);
		return 1;
	}
	if (parse_opts(argc - 1, argv + 1, &o))
		return 1;

	all = bench_packets(pkts, MAX_PKTS);
	for (size_t i = 0; i < all; i++)
		if (pkt_selected(&o, pkts[i].name))
			pkts[npk++] = pkts[i];
	if (!npk) {
		fprintf(stderr, "progbench: no packet kind selected\n");
		return 1;
	}

	progs[nprog] = (struct prog){ "null", "XDP_PASS only (the floor)", -1, -1, NULL, NULL };
	progs[nprog].fd = load_obj(o.null_obj, "xdp_null_pass", &null_obj, false);
	if (progs[nprog].fd < 0) {
		fprintf(stderr, "progbench: cannot load %s: %s\n", o.null_obj,
			strerror(-progs[nprog].fd));
		return 2;
	}
	nprog++;

	err = load_vpnxdp(&o, &comp);
	if (err) {
		fprintf(stderr, "progbench: cannot load vpnxdp: %s\n", strerror(-err));
		return 2;
	}
	progs[nprog++] = (struct prog){ "vpnxdp",
		o.policy ? "vpnxdp, policy from file" : "vpnxdp, default policy",
		bpf_program__fd(skel->progs.vpnxdp_xdp), -1, NULL, NULL };
	if (o.notimer) {
		skel_nt = load_notimer(&comp);
		if (!skel_nt) {
			fprintf(stderr, "progbench: cannot load vpnxdp without its timer\n");
			return 2;
		}
		progs[nprog++] = (struct prog){ "vpnxdp_notimer",
			"vpnxdp without the rate flush timer (vx_timer_on = 0)",
			bpf_program__fd(skel_nt->progs.vpnxdp_xdp), -1, NULL, NULL };
	}

	if (o.xdpfilt_dir && !strcmp(o.mode, "compare")) {
		struct prog pp = { "xdpfilt_port",
			"xdp-filter udp/tcp object (alw_udp, alw_tcp for TCP)", -1, -1, NULL, NULL };
		struct prog pa = { "xdpfilt_all",
			"xdp-filter all features (alw_all: xdp-filter load's default)", -1, -1, NULL, NULL };

		snprintf(path, sizeof(path), "%s/xdpfilt_alw_udp.o", o.xdpfilt_dir);
		pp.fd = load_obj(path, NULL, &pp.obj, false);
		snprintf(path, sizeof(path), "%s/xdpfilt_alw_tcp.o", o.xdpfilt_dir);
		pp.fd_tcp = load_obj(path, NULL, &pp.obj_tcp, false);
		snprintf(path, sizeof(path), "%s/xdpfilt_alw_all.o", o.xdpfilt_dir);
		pa.fd = load_obj(path, NULL, &pa.obj, false);
		if (pp.fd >= 0 && pp.fd_tcp >= 0 && pa.fd >= 0) {
			xf_ports = fill_xdpfilt_ports(pp.obj, &comp);
			if (xf_ports >= 0)
				xf_ports = fill_xdpfilt_ports(pp.obj_tcp, &comp);
			if (xf_ports >= 0)
				xf_ports = fill_xdpfilt_ports(pa.obj, &comp);
		}
		if (pp.fd < 0 || pp.fd_tcp < 0 || pa.fd < 0 || xf_ports < 0) {
			fprintf(stderr, "progbench: xdp-filter objects in %s unusable\n",
				o.xdpfilt_dir);
			return 2;
		}
		progs[nprog++] = pp;
		progs[nprog++] = pa;
	}

	for (int i = 0; i < o.nextra; i++) {
		char *eq = strchr(o.extra[i], '=');
		struct prog px = { o.extra[i], eq + 1, -1, -1, NULL, NULL };

		*eq = '\0';
		px.fd = load_obj(eq + 1, NULL, &px.obj, true);
		if (px.fd < 0) {
			fprintf(stderr, "progbench: cannot load %s: %s\n", eq + 1,
				strerror(-px.fd));
			return 2;
		}
		progs[nprog++] = px;
	}

	for (int r = 0; r < o.rounds; r++) {
		for (size_t k = 0; k < npk; k++) {
			for (int p = 0; p < nprog; p++) {
				struct sample *s = &res[p][k];
				int fd = progs[p].fd;

				if (pkts[k].l4 == IPPROTO_TCP && progs[p].fd_tcp >= 0)
					fd = progs[p].fd_tcp;
				if (s->err)
					continue;
				s->err = run_once(fd, &pkts[k], o.repeat, &s->cpu[r],
						  &s->kern[r], &s->retval);
			}
		}
	}

	/* Table: median ns/packet [min-max] and the ratio to the floor. */
	printf("%-14s %-31s", "packet", "");
	for (int p = 0; p < nprog; p++)
		printf(" %22s", progs[p].name);
	printf("\n");
	root = json_pack("{s:s, s:s, s:i, s:I, s:i}", "mode", o.mode,
			 "label", o.label ? o.label : "", "rounds", o.rounds,
			 "repeat", (json_int_t)o.repeat, "xdpfilt_ports", xf_ports);
	jprogs = json_array();
	for (int p = 0; p < nprog; p++)
		json_array_append_new(jprogs, json_pack("{s:s, s:s}", "name",
			progs[p].name, "desc", progs[p].desc));
	json_object_set_new(root, "programs", jprogs);
	if (filled >= 0)
		json_object_set_new(root, "filled", json_integer(filled));
	jpk = json_array();
	for (size_t k = 0; k < npk; k++) {
		json_t *jr = json_object();

		printf("%-14s %-31s", pkts[k].name, pkts[k].desc);
		for (int p = 0; p < nprog; p++) {
			const struct sample *s = &res[p][k];
			char cell[64];

			json_object_set_new(jr, progs[p].name,
					    stat_json(s, o.rounds, &res[0][k]));
			if (s->err) {
				snprintf(cell, sizeof(cell), "error");
			} else {
				struct stat3 w = stats(s->cpu, o.rounds);

				snprintf(cell, sizeof(cell), "%6.2f ns %5.2fx %-4s",
					 w.median, ratio_median(s, &res[0][k], o.rounds),
					 xdp_verdict(s->retval));
			}
			printf(" %22s", cell);
		}
		printf("\n");
		json_array_append_new(jpk, json_pack("{s:s, s:s, s:b, s:I, s:o}",
			"name", pkts[k].name, "desc", pkts[k].desc,
			"bulk", pkts[k].bulk, "len", (json_int_t)pkts[k].len,
			"results", jr));
	}
	json_object_set_new(root, "packets", jpk);
	if (o.json && json_dump_file(root, o.json, JSON_INDENT(1)) != 0) {
		fprintf(stderr, "progbench: cannot write %s\n", o.json);
		return 2;
	}
	json_decref(root);
	for (int p = 0; p < nprog; p++) {
		bpf_object__close(progs[p].obj);
		bpf_object__close(progs[p].obj_tcp);
	}
	bpf_object__close(null_obj);
	vpnxdp_bpf__destroy(skel);
	vpnxdp_bpf__destroy(skel_nt);
	return 0;
}
