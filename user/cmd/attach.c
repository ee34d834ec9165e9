// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp attach IFACE
 *
 * Loads the XDP program through libxdp (the multi-program dispatcher where
 * the kernel allows it, a single program where it does not: libxdp decides
 * and falls back by itself), fills the policy maps before the program sees
 * its first packet, and pins everything under /sys/fs/bpf/vpnxdp/IFACE.
 *
 * Two opens of the embedded object: the first creates only the maps,
 * pinned by libbpf into a private directory, so the policy can be written
 * before any packet is judged; the second finds them there (pinned by
 * name) and goes to libxdp, which loads and attaches its program.  The
 * private directory is renamed into place last: other commands never see a
 * half-made attachment, and of two racing attaches exactly one wins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "vpnxdp_ring.h"
#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/exit.h"
#include "core/loader.h"
#include "core/log.h"
#include "core/pins.h"
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
	unsigned int ifindex;
	const struct vx_attach_opts *o;
	enum xdp_attach_mode mode;
	char tmpdir[PATH_MAX];
	struct vpnxdp_bpf *maps;  /* first open: the maps */
	struct vpnxdp_bpf *prog;  /* second open: libxdp's */
	struct xdp_program *xprog;
	bool attached;
	bool multiprog;
};

static void vx_libxdp_errstr(int err, char *buf, size_t len)
{
	if (libxdp_strerror(err, buf, len) != 0)
		snprintf(buf, len, "%s", strerror(-err));
}

/* Refuse to replace a program vpnxdp did not put there. */
static int vx_check_foreign(const char *ifname, unsigned int ifindex)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	struct xdp_program *main;
	int ret = 0;

	if (!mp || libxdp_get_error(mp))
		return 0;
	main = xdp_multiprog__main_prog(mp);
	if (xdp_multiprog__is_legacy(mp) && main) {
		vx_err("%s already runs XDP program '%s' (id %u), not vpnxdp's; "
		       "remove it first (e.g. 'xdp-loader unload %s --all')",
		       ifname, xdp_program__name(main), xdp_program__id(main),
		       ifname);
		ret = -EEXIST;
	}
	xdp_multiprog__close(mp);
	return ret;
}

static struct vx_load_opts vx_attach_load_opts(const struct vx_attaching *at,
					       bool maps_only)
{
	struct vx_load_opts lo = {
		.pin_root = at->tmpdir,
		.flows = at->o->flows,
		.interval_ns = (__u64)at->o->interval_ms * 1000000ull,
		.ring_size = at->o->ring_size,
		.maps_only = maps_only,
	};

	return lo;
}

/* The private directory, and the maps pinned in it with the policy. */
static int vx_attach_maps(struct vx_attaching *at, const struct vx_policy *pol)
{
	struct vx_load_opts lo = vx_attach_load_opts(at, true);

	if (mkdir(VX_PIN_ROOT, 0700) != 0 && errno != EEXIST) {
		vx_err("cannot create %s: %s", VX_PIN_ROOT, strerror(errno));
		return -errno;
	}
	/* bpffs refuses names with '.'; ':' never occurs in an interface
	 * name, so this cannot collide with an attachment. */
	snprintf(at->tmpdir, sizeof(at->tmpdir), "%s/%s:%d:attaching", VX_PIN_ROOT,
		 at->ifname, (int)getpid());
	if (mkdir(at->tmpdir, 0700) != 0) {
		vx_err("cannot create %s: %s", at->tmpdir, strerror(errno));
		at->tmpdir[0] = 0;
		return -errno;
	}
	at->maps = vx_load(&lo);
	if (!at->maps)
		return -errno;
	return vx_load_policy(at->maps, pol, NULL);
}

/* The program, on the maps of vx_attach_maps(), attached (native falling
 * back to skb mode with --mode auto). */
static int vx_attach_prog(struct vx_attaching *at)
{
	struct vx_load_opts lo = vx_attach_load_opts(at, false);
	char errbuf[256];
	int err;

	at->prog = vx_open(&lo);
	if (!at->prog)
		return -errno;
	at->xprog = xdp_program__from_bpf_obj(at->prog->obj, "xdp");
	err = (int)libxdp_get_error(at->xprog);
	if (err) {
		at->xprog = NULL;
		vx_err("libxdp cannot use the BPF object: %s", strerror(-err));
		return err;
	}
	at->mode = at->o->mode == VX_MODE_SKB ? XDP_MODE_SKB : XDP_MODE_NATIVE;
	err = xdp_program__attach(at->xprog, (int)at->ifindex, at->mode, 0);
	if (err && at->o->mode == VX_MODE_AUTO) {
		vx_libxdp_errstr(err, errbuf, sizeof(errbuf));
		vx_info("%s: native XDP failed (%s); falling back to skb (generic) mode",
			at->ifname, errbuf);
		at->mode = XDP_MODE_SKB;
		err = xdp_program__attach(at->xprog, (int)at->ifindex, at->mode, 0);
	}
	if (!err) {
		at->attached = true;
		return 0;
	}
	vx_libxdp_errstr(err, errbuf, sizeof(errbuf));
	if (at->mode == XDP_MODE_NATIVE)
		vx_err("%s: native XDP attach failed: %s; the driver may not "
		       "support XDP: retry with '--mode skb' (or --mode auto)",
		       at->ifname, errbuf);
	else
		vx_err("%s: %s XDP attach failed: %s", at->ifname,
		       vx_xdp_mode_name(at->mode), errbuf);
	return err;
}

/* What status will say of the attachment. */
static int vx_attach_meta(struct vx_attaching *at)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)at->ifindex);
	struct vx_meta meta = {
		.abi = VX_ABI_VERSION,
		.mode = at->mode,
		.ifindex = at->ifindex,
		.attached_at = (__u64)time(NULL),
		.netns_ino = vx_netns_ino(),
		.interval_ms = at->o->interval_ms,
		.ring_size = at->o->ring_size,
	};
	__u32 zero = 0;

	if (mp && !libxdp_get_error(mp)) {
		meta.multiprog = !xdp_multiprog__is_legacy(mp);
		xdp_multiprog__close(mp);
	}
	at->multiprog = meta.multiprog;
	snprintf(meta.policy, sizeof(meta.policy), "%s",
		 at->o->policy_file ? at->o->policy_file : "defaults");
	if (bpf_map_update_elem(bpf_map__fd(at->maps->maps.vx_meta), &zero, &meta,
				BPF_ANY) != 0) {
		vx_err("cannot write attachment metadata: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* Pin the program (the one attached: under the dispatcher, libxdp's
 * freplace copy, not our load) and move the directory into place. */
static int vx_attach_commit(struct vx_attaching *at)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/prog", at->tmpdir);
	if (bpf_obj_pin(xdp_program__fd(at->xprog), path) != 0) {
		vx_err("cannot pin %s: %s", path, strerror(errno));
		return -errno;
	}
	vx_pin_dir(dir, sizeof(dir), at->ifname);
	if (rename(at->tmpdir, dir) != 0) {
		vx_err("cannot move pins into %s: %s%s", dir, strerror(errno),
		       errno == EEXIST || errno == ENOTEMPTY ?
		       " (another vpnxdp attach got there first)" : "");
		return -errno;
	}
	at->tmpdir[0] = 0;
	return 0;
}

static int vx_do_attach(struct vx_attaching *at, const struct vx_policy *pol)
{
	int err = vx_attach_maps(at, pol);

	if (!err)
		err = vx_attach_prog(at);
	if (!err)
		err = vx_attach_meta(at);
	if (!err)
		err = vx_attach_commit(at);
	if (!err)
		printf("%s: attached (%s mode, %s, program id %u)\n", at->ifname,
		       vx_xdp_mode_name(at->mode),
		       at->multiprog ? "libxdp dispatcher" : "single program",
		       xdp_program__id(at->xprog));
	if (err && at->attached)
		xdp_program__detach(at->xprog, (int)at->ifindex, at->mode, 0);
	if (at->tmpdir[0])
		vx_pins_remove_dir(at->tmpdir);
	xdp_program__close(at->xprog);
	vpnxdp_bpf__destroy(at->prog);
	vpnxdp_bpf__destroy(at->maps);
	return err;
}

/* An attachment already there: live (nothing to do: 0), in another
 * namespace (refused: VX_EXIT_INPUT), or stale (removed: -1, go on). */
static int vx_attach_existing(const char *ifname)
{
	struct vx_pins pins;
	enum vx_liveness live = VX_STALE;
	unsigned int id = 0;
	struct vx_meta m;

	if (vx_pins_open(&pins, ifname) == 0) {
		live = vx_pins_live(&pins, &id);
		if (live == VX_ATTACHED && vx_read_meta(&pins, &m) == 0) {
			vx_pins_close(&pins);
			printf("%s: already attached (%s mode, program id %u); nothing changed\n",
			       ifname, vx_xdp_mode_name(m.mode), id);
			return VX_EXIT_OK;
		}
		vx_pins_close(&pins);
	}
	if (live == VX_OTHER_NETNS) {
		vx_err("%s: an interface of that name is attached in another "
		       "network namespace (pins are named by interface); "
		       "detach it there first", ifname);
		return VX_EXIT_INPUT;
	}
	vx_info("%s: removing a stale attachment (its program is no longer on the interface)",
		ifname);
	if (vx_pins_remove(ifname)) {
		vx_err("%s: cannot remove stale pins", ifname);
		return VX_EXIT_SYSTEM;
	}
	return -1;
}

static int vx_attach_run(const struct vx_args *a)
{
	const struct vx_attach_opts *o = a->opts;
	struct vx_attaching at = { .ifname = a->pos[0], .o = o };
	struct vx_policy pol;
	int ret = VX_EXIT_INPUT;

	if (o->policy_file) {
		if (vx_policy_load(o->policy_file, false, &pol))
			return VX_EXIT_INPUT;
	} else {
		vx_policy_init(&pol);
	}
	if (!vx_need_priv()) {
		ret = VX_EXIT_SYSTEM;
		goto out;
	}
	at.ifindex = vx_iface_index(at.ifname);
	if (!at.ifindex)
		goto out;
	ret = VX_EXIT_SYSTEM;
	if (vx_bpffs_ensure())
		goto out;
	if (vx_pins_exist(at.ifname)) {
		ret = vx_attach_existing(at.ifname);
		if (ret >= 0)
			goto out;
	}
	ret = VX_EXIT_INPUT;
	if (vx_check_foreign(at.ifname, at.ifindex))
		goto out;
	ret = vx_do_attach(&at, &pol) ? VX_EXIT_SYSTEM : VX_EXIT_OK;
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
		"    auto falls back to skb mode) and pin it under /sys/fs/bpf/vpnxdp/IFACE.",
};
