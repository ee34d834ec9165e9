// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp attach IFACE
 *
 * Crash-safe: wherever the process is killed, what is left is either no
 * program on the interface, or a program that status reports and detach
 * removes.  The whole attach holds the pin root's lock (a second attach
 * waits, then finds the first one's attachment), in this order:
 *
 *   1. the maps, created; the policy written into them; vx_meta written
 *      (how the attachment is being made); all pinned, vx_meta first, into
 *      a private directory IFACE:PID:attaching
 *   2. the program loaded on those maps (vpnxdp's own link), its id and
 *      tag recorded, the program pinned
 *   3. the program attached: by vpnxdp's own XDP link, pinned at once
 *      (until then the link lives in this process alone, and the kernel
 *      takes the program off when the process dies); or through libxdp's
 *      dispatcher where the kernel lets it work (libxdp attaches by
 *      netlink: a program of a killed attach is found again by its name
 *      and maps)
 *   4. the directory renamed to IFACE (RENAME_NOREPLACE)
 *
 * Whatever an interrupted attach leaves is IFACE:PID:attaching: status
 * lists it, detach IFACE and the next attach of IFACE clean it up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "vpnxdp_ring.h"
#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/caps.h"
#include "core/dispatcher.h"
#include "core/exit.h"
#include "core/liveness.h"
#include "core/loader.h"
#include "core/log.h"
#include "core/pins.h"
#include "core/teardown.h"
#include "core/xdpattach.h"
#include "policy/policy.h"

/* Flow cache sizes --flows accepts.  An LRU hash preallocates its entries
 * (about 100 bytes each with the kernel's overhead): 16M flows is ~1.6 GB. */
#define VX_FLOWS_MIN 16u
#define VX_FLOWS_MAX (16u << 20)

enum vx_mode_opt { VX_MODE_NATIVE, VX_MODE_SKB, VX_MODE_AUTO };

struct vx_attach_opts {
	int mode;                /* enum vx_mode_opt */
	const char *policy_file;
	unsigned int flows;      /* max_entries of the flow cache */
	unsigned int interval_ms;
	unsigned int ring_size;  /* bytes, each ring */
};

/* One attach under way. */
struct vx_attaching {
	const char *ifname;
	const struct vx_attach_opts *o;
	int root_fd, tmp_fd;
	char tmp[VX_ENTRY_LEN];   /* IFACE:PID:attaching, once made */
	struct vx_xdp_on x;       /* where, how */
	struct vx_meta meta;
	struct vpnxdp_bpf *maps;  /* first open: the maps */
	struct vpnxdp_bpf *prog;  /* second open: the program */
	struct xdp_program *xprog;
	bool attached;
};

/* -------------------------------------------- what is there already */

static void vx_already(const struct vx_pins *p, const struct vx_live *l)
{
	printf("%s: already attached (%s mode, program id %u); nothing changed\n",
	       p->ifname, vx_xdp_mode_name(l->mode), l->prog_id);
}

/* IFACE's own entry: live (nothing to do: 0), refused (1), or stale and
 * removed (-1: go on). */
static int vx_attach_existing(struct vx_attaching *at)
{
	struct vx_pins p;
	struct vx_live l;
	int err = vx_pins_examine(&p, at->root_fd, at->ifname), ret = VX_EXIT_INPUT;

	if (err == -ENOENT)
		return -1;
	if (err) {
		vx_err("%s/%s: %s: refusing it; inspect it and remove it", VX_PIN_ROOT,
		       at->ifname, p.why);
		goto out;
	}
	vx_pins_state(&p, &l);
	if (l.st == VX_ST_LIVE && !p.corrupt) {
		vx_already(&p, &l);
		ret = VX_EXIT_OK;
	} else if (p.corrupt) {
		vx_err("%s: a foreign or corrupt attachment is in the way: %s; "
		       "'vpnxdp detach %s' removes it", at->ifname, p.why, at->ifname);
	} else if (l.st == VX_ST_OTHER_NETNS) {
		vx_err("%s: an interface of that name is attached in another network "
		       "namespace (pins are named by interface); detach it there first",
		       at->ifname);
	} else if (l.st == VX_ST_UNKNOWN) {
		vx_err("%s: cannot tell whether the attachment there is live (%s); "
		       "nothing changed", at->ifname, l.why);
	} else {
		vx_info("%s: removing a stale attachment (%s)", at->ifname, l.why);
		ret = vx_teardown(&p, &l) ? VX_EXIT_SYSTEM : -1;
	}
out:
	vx_pins_close(&p);
	return ret;
}

/* What interrupted attaches of IFACE left: under the root lock they are
 * all dead.  Their programs are taken off and their pins removed (-1: go
 * on), unless that cannot be done safely (an exit code). */
static int vx_attach_leftovers(struct vx_attaching *at)
{
	static char names[256][VX_ENTRY_LEN];
	char ifname[VX_IFNAMSIZ];
	int n = vx_dir_entries(at->root_fd, names, 256), pid, ret = -1;

	for (int k = 0; k < n && ret < 0; k++) {
		struct vx_pins p;
		struct vx_live l;

		if (!vx_entry_parse(names[k], ifname, &pid) || !pid ||
		    strcmp(ifname, at->ifname) != 0)
			continue;
		if (vx_pins_examine(&p, at->root_fd, names[k]) != 0) {
			vx_err("%s/%s: %s: refusing it", VX_PIN_ROOT, names[k], p.why);
			ret = VX_EXIT_INPUT;
		} else {
			vx_pins_state(&p, &l);
			if (l.st == VX_ST_UNKNOWN || l.st == VX_ST_OTHER_NETNS) {
				vx_err("%s: left by an interrupted attach (pid %d): %s; "
				       "nothing changed", names[k], pid, l.why);
				ret = VX_EXIT_INPUT;
			} else if (vx_teardown(&p, &l) != 0) {
				ret = VX_EXIT_SYSTEM;
			} else {
				vx_info("%s: removed what an interrupted attach (pid %d) left "
					"(%s)", at->ifname, pid, l.why);
			}
		}
		vx_pins_close(&p);
	}
	return ret;
}

/* Which path: join a libxdp dispatcher already there; refuse any other
 * program; else libxdp's dispatcher where this kernel lets it work, and
 * vpnxdp's own link where it does not.  0, or an exit code. */
static int vx_attach_path(struct vx_attaching *at)
{
	int disp = vx_dispatcher_present(at->x.ifindex);
	char name[32];
	__u32 id = 0;

	if (disp == 1) {
		at->x.path = VX_PATH_DISPATCHER;
		return 0;
	}
	if (vx_xdp_what(at->x.ifindex, &id, name, sizeof(name)) != 0) {
		vx_err("%s: cannot query its XDP program: %s", at->ifname, strerror(errno));
		return VX_EXIT_SYSTEM;
	}
	if (id) {
		vx_err("%s already runs XDP program '%s' (id %u), not vpnxdp's%s; remove "
		       "it first (e.g. 'xdp-loader unload %s --all')", at->ifname,
		       name[0] ? name : "?", id, disp < 0 ? " (whether it is libxdp's "
		       "dispatcher, which vpnxdp could join, cannot be told without "
		       "CAP_SYS_ADMIN)" : "", at->ifname);
		return VX_EXIT_INPUT;
	}
	at->x.path = vx_dispatcher_usable() ? VX_PATH_DISPATCHER : VX_PATH_LINK;
	return 0;
}

/* ------------------------------------------------------ the attach */

static struct vx_load_opts vx_attach_load_opts(const struct vx_attaching *at,
					       bool maps_only)
{
	struct vx_load_opts lo = {
		.flows = at->o->flows,
		.interval_ns = (__u64)at->o->interval_ms * 1000000ull,
		.ring_size = at->o->ring_size,
		.maps_only = maps_only,
	};

	return lo;
}

static void vx_attach_meta_init(struct vx_attaching *at)
{
	struct vx_meta *m = &at->meta;

	memset(m, 0, sizeof(*m));
	m->abi = VX_ABI_VERSION;
	m->mode = at->x.mode;
	m->ifindex = (__u32)at->x.ifindex;
	m->attached_at = (__u64)time(NULL);
	m->netns_ino = vx_netns_ino();
	m->netns_cookie = vx_netns_cookie();
	m->interval_ms = at->o->interval_ms;
	m->ring_size = at->o->ring_size;
	m->flows = at->o->flows;
	m->path = at->x.path;
	m->multiprog = at->x.path == VX_PATH_DISPATCHER;
	m->pid = (__u32)getpid();
	snprintf(m->policy, sizeof(m->policy), "%s",
		 at->o->policy_file ? at->o->policy_file : "defaults");
}

static int vx_attach_meta_write(struct vx_attaching *at)
{
	__u32 zero = 0;
	int err = bpf_map__update_elem(at->maps->maps.vx_meta, &zero, sizeof(zero),
				       &at->meta, sizeof(at->meta), BPF_ANY);

	if (err)
		vx_err("cannot write the attachment's metadata: %s", strerror(-err));
	return err;
}

/* Every map pinned by its name into the private directory, vx_meta first:
 * a directory with maps always says how they were made. */
static int vx_attach_pin_maps(struct vx_attaching *at)
{
	struct bpf_map *m;
	int err = vx_pin_put(bpf_map__fd(at->maps->maps.vx_meta), at->tmp_fd, "vx_meta");

	bpf_object__for_each_map(m, at->maps->obj) {
		if (err || bpf_map__is_internal(m) || m == at->maps->maps.vx_meta)
			continue;
		err = vx_pin_put(bpf_map__fd(m), at->tmp_fd, bpf_map__name(m));
	}
	if (err)
		vx_err("cannot pin the maps into %s/%s: %s", VX_PIN_ROOT, at->tmp,
		       strerror(-err));
	return err;
}

/* The private directory, and the maps in it with the policy. */
static int vx_attach_maps(struct vx_attaching *at, const struct vx_policy *pol)
{
	struct vx_load_opts lo = vx_attach_load_opts(at, true);
	char why[160];
	int err;

	/* bpffs refuses names with '.'; ':' never occurs in an interface
	 * name, so this cannot collide with an attachment. */
	snprintf(at->tmp, sizeof(at->tmp), "%s:%d:attaching", at->ifname, (int)getpid());
	if (mkdirat(at->root_fd, at->tmp, 0700) != 0) {
		err = -errno;
		vx_err("cannot create %s/%s: %s", VX_PIN_ROOT, at->tmp, strerror(-err));
		at->tmp[0] = 0;
		return err;
	}
	at->tmp_fd = vx_subdir_open(at->root_fd, at->tmp, why, sizeof(why));
	if (at->tmp_fd < 0) {
		vx_err("%s/%s: %s", VX_PIN_ROOT, at->tmp, why);
		return at->tmp_fd;
	}
	at->maps = vx_load(&lo);
	if (!at->maps)
		return -errno;
	err = vx_load_policy(at->maps, pol, NULL);
	vx_attach_meta_init(at);
	if (!err)
		err = vx_attach_meta_write(at);
	return err ? err : vx_attach_pin_maps(at);
}

/* The second open: the program, on the maps of the first. */
static int vx_attach_open_prog(struct vx_attaching *at)
{
	struct vx_load_opts lo = vx_attach_load_opts(at, false);
	struct bpf_map *m, *mine;
	int err = 0;

	at->prog = vx_open(&lo);
	if (!at->prog)
		return -errno;
	bpf_object__for_each_map(m, at->prog->obj) {
		if (bpf_map__is_internal(m))
			continue;
		mine = bpf_object__find_map_by_name(at->maps->obj, bpf_map__name(m));
		err = mine ? bpf_map__reuse_fd(m, bpf_map__fd(mine)) : -ENOENT;
		if (err) {
			vx_err("cannot give the program map %s: %s", bpf_map__name(m),
			       strerror(-err));
			return err;
		}
	}
	return 0;
}

/* The program's id and tag into vx_meta, and the program pinned. */
static int vx_attach_pin_prog(struct vx_attaching *at, int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int err;

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) != 0) {
		vx_err("cannot read the loaded program's id: %s", strerror(errno));
		return -errno;
	}
	at->meta.prog_id = info.id;
	memcpy(at->meta.prog_tag, info.tag, sizeof(at->meta.prog_tag));
	err = vx_attach_meta_write(at);
	if (!err)
		err = vx_pin_put(prog_fd, at->tmp_fd, "prog");
	/* its slow path (the tail call's program), whose maps the pin checks
	 * read without the privilege to look a program up by id */
	if (!err)
		err = vx_pin_put(bpf_program__fd(at->prog->progs.vpnxdp_slow), at->tmp_fd,
				 "slow");
	if (err)
		vx_err("cannot pin the program into %s/%s: %s", VX_PIN_ROOT, at->tmp,
		       strerror(-err));
	return err;
}

/* Someone got there first while this attach ran (another tool, or an
 * attach in another bpffs): theirs is the answer.  An exit code. */
static int vx_attach_lost(struct vx_attaching *at)
{
	char name[32];
	__u32 id = 0;
	int ret = vx_attach_existing(at);

	if (ret >= 0)
		return ret;
	if (vx_xdp_what(at->x.ifindex, &id, name, sizeof(name)) == 0 && id)
		vx_err("%s already runs XDP program '%s' (id %u), not vpnxdp's: it "
		       "got there while this attach ran", at->ifname,
		       name[0] ? name : "?", id);
	else
		vx_err("%s: the attach was refused as busy, and nothing is attached "
		       "now: try again", at->ifname);
	return VX_EXIT_INPUT;
}

/* After the attach call returned @err: someone else got there (the
 * answer: theirs), it failed (said), or it is on: recorded.  Returns an
 * exit code, or -1 when attached. */
static int vx_attach_result(struct vx_attaching *at, int err)
{
	if (err == -EBUSY || err == -EEXIST)
		return vx_attach_lost(at);
	if (err) {
		vx_xdp_on_error(&at->x, err);
		return VX_EXIT_SYSTEM;
	}
	at->attached = true;
	at->meta.mode = at->x.mode;
	return -1;
}

/* vpnxdp's own link: load, record, pin the program, attach, pin the link. */
static int vx_attach_link(struct vx_attaching *at)
{
	int err = vpnxdp_bpf__load(at->prog), fd;

	if (err) {
		vx_err("cannot load the BPF program: %s%s", strerror(-err),
		       vx_caps_hint(err, VX_CAPS_LOAD));
		return VX_EXIT_SYSTEM;
	}
	if (vx_tail_fill(at->prog))
		return VX_EXIT_SYSTEM;
	fd = bpf_program__fd(at->prog->progs.vpnxdp_xdp);
	if (vx_attach_pin_prog(at, fd))
		return VX_EXIT_SYSTEM;
	err = vx_attach_result(at, vx_link_on(&at->x, fd));
	if (err >= 0)
		return err;
	err = vx_pin_put(at->x.link_fd, at->tmp_fd, "link");
	if (!err)
		err = vx_attach_meta_write(at);
	if (err)
		vx_err("cannot pin the XDP link: %s", strerror(-err));
	return err ? VX_EXIT_SYSTEM : VX_EXIT_OK;
}

/* libxdp: it loads and attaches; then the tail call is set (until then
 * the frames the fast path leaves are passed uncounted: libxdp loads the
 * object itself, as an extension under the dispatcher) and the program is
 * recorded and pinned (under the dispatcher, libxdp's extension copy is
 * the one that runs). */
static int vx_attach_libxdp(struct vx_attaching *at)
{
	int err;

	/* by name: the object's other XDP program is vpnxdp_slow(), the
	 * entry's tail call */
	at->xprog = xdp_program__create(&(struct xdp_program_opts){
		.sz = sizeof(struct xdp_program_opts),
		.obj = at->prog->obj,
		.prog_name = "vpnxdp_xdp",
	});
	err = (int)libxdp_get_error(at->xprog);
	if (err) {
		at->xprog = NULL;
		vx_err("libxdp cannot use the BPF object: %s", strerror(-err));
		return VX_EXIT_SYSTEM;
	}
	err = vx_attach_result(at, vx_libxdp_on(&at->x, at->xprog));
	if (err >= 0)
		return err;
	if (vx_tail_fill(at->prog))
		return VX_EXIT_SYSTEM;
	at->meta.path = at->x.path;
	at->meta.multiprog = at->x.path == VX_PATH_DISPATCHER;
	return vx_attach_pin_prog(at, xdp_program__fd(at->xprog)) ? VX_EXIT_SYSTEM
								     : VX_EXIT_OK;
}

static void vx_attach_undo(struct vx_attaching *at)
{
	if (at->attached && at->x.link_fd >= 0)
		bpf_link_detach(at->x.link_fd);
	else if (at->attached && at->xprog)
		xdp_program__detach(at->xprog, at->x.ifindex, at->x.mode, 0);
	if (at->tmp[0])
		vx_subdir_remove(at->root_fd, at->tmp);
}

static int vx_do_attach(struct vx_attaching *at, const struct vx_policy *pol)
{
	int ret = VX_EXIT_SYSTEM;

	if (vx_attach_maps(at, pol) == 0 && vx_attach_open_prog(at) == 0)
		ret = at->x.path == VX_PATH_LINK ? vx_attach_link(at) : vx_attach_libxdp(at);
	if (ret == VX_EXIT_OK && at->attached) {
		ret = vx_subdir_rename(at->root_fd, at->tmp, at->ifname);
		if (ret)
			vx_err("cannot move the pins into %s/%s: %s", VX_PIN_ROOT,
			       at->ifname, strerror(-ret));
		ret = ret ? VX_EXIT_SYSTEM : VX_EXIT_OK;
	}
	if (ret == VX_EXIT_OK && at->attached) {
		at->tmp[0] = 0;
		printf("%s: attached (%s mode, %s, program id %u)\n", at->ifname,
		       vx_xdp_mode_name(at->x.mode),
		       at->x.path == VX_PATH_DISPATCHER ? "libxdp dispatcher" :
		       at->x.path == VX_PATH_LINK ? "single program, XDP link" :
		       "single program", at->meta.prog_id);
	} else {
		vx_attach_undo(at);
	}
	if (at->x.link_fd >= 0)
		close(at->x.link_fd);
	if (at->tmp_fd >= 0)
		close(at->tmp_fd);
	xdp_program__close(at->xprog);
	vpnxdp_bpf__destroy(at->prog);
	vpnxdp_bpf__destroy(at->maps);
	return ret;
}

/* Under the pin root's lock: what is there, which path, the attach. */
static int vx_attach_locked(struct vx_attaching *at, const struct vx_policy *pol)
{
	int ret = vx_fd_lock(at->root_fd, VX_PIN_ROOT);

	if (ret) {
		vx_err("cannot lock %s: %s", VX_PIN_ROOT, strerror(-ret));
		return VX_EXIT_SYSTEM;
	}
	ret = vx_attach_existing(at);
	if (ret >= 0)
		return ret;
	ret = vx_attach_leftovers(at);
	if (ret >= 0)
		return ret;
	ret = vx_attach_path(at);
	return ret ? ret : vx_do_attach(at, pol);
}

static int vx_attach_run(const struct vx_args *a)
{
	const struct vx_attach_opts *o = a->opts;
	struct vx_attaching at = {
		.ifname = a->pos[0], .o = o, .root_fd = -1, .tmp_fd = -1,
		.x = { .ifname = a->pos[0], .link_fd = -1, .fallback = o->mode == VX_MODE_AUTO,
		       .mode = o->mode == VX_MODE_SKB ? XDP_MODE_SKB : XDP_MODE_NATIVE },
	};
	struct vx_policy pol;
	int ret = VX_EXIT_INPUT;

	if (o->policy_file) {
		if (vx_policy_load(o->policy_file, false, &pol))
			return VX_EXIT_INPUT;
	} else {
		vx_policy_init(&pol);
	}
	at.x.ifindex = (int)vx_iface_index(at.ifname);
	if (!at.x.ifindex)
		goto out;
	ret = VX_EXIT_SYSTEM;
	if (!vx_caps_need("attach", VX_CAPS_LOAD, NULL) || vx_bpffs_ensure())
		goto out;
	at.root_fd = vx_root_open(true);
	if (at.root_fd >= 0) {
		ret = vx_attach_locked(&at, &pol);
		close(at.root_fd);
	}
out:
	vx_policy_free(&pol);
	return ret;
}

static const char *const vx_modes[] = { "native", "skb", "auto", NULL };

#define VX_O struct vx_attach_opts
static const struct vx_opt vx_attach_optv[] = {
	VX_OPT_CHOICE_OF(VX_O, mode, "mode", 'm', "MODE",
			 "native (default), skb, or auto: native, else skb", vx_modes),
	VX_OPT_STRING_OF(VX_O, policy_file, "policy", 'p', "FILE",
			 "the policy to start with (default: the built-in one)"),
	VX_OPT_NUMBER_OF(VX_O, flows, "flows", 'f', "N",
			 "flows the flow cache remembers (LRU, default 65536)",
			 VX_FLOWS_MIN, VX_FLOWS_MAX, "a number of flows"),
	VX_OPT_NUMBER_OF(VX_O, interval_ms, "interval", 'i', "MS",
			 "rate record interval (default 1000)",
			 VX_INTERVAL_MIN_MS, VX_INTERVAL_MAX_MS, "milliseconds"),
	VX_OPT_POW2_OF(VX_O, ring_size, "ring-size", 'r', "BYTES",
		       "bytes of each ring buffer (default 262144)",
		       VX_RING_MIN, VX_RING_MAX, "bytes"),
	VX_OPT_END,
};
#undef VX_O

static const struct vx_attach_opts vx_attach_defaults = {
	.mode = VX_MODE_NATIVE,
	.flows = VX_FLOWS_DEFAULT,
	.interval_ms = VX_INTERVAL_DEFAULT_MS,
	.ring_size = VX_RING_DEFAULT,
};

const struct vx_cmd vx_cmd_attach = {
	.name = "attach",
	.run = vx_attach_run,
	VX_CMD_OPTS(vx_attach_optv, struct vx_attach_opts),
	.defaults = &vx_attach_defaults,
	.min_pos = 1, .max_pos = 1, .ifaces = 1,
	.synopsis = "IFACE [--mode native|skb|auto] [--policy FILE] [--flows N]\n"
		    "       [--interval MS] [--ring-size BYTES]",
	.help = "    Load and attach the classifier to IFACE (native XDP by default;\n"
		"    auto falls back to skb mode) and pin it under /sys/fs/bpf/vpnxdp/IFACE.\n"
		"    Needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON.",
};
