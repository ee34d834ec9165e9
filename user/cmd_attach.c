// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp attach / detach.
 *
 * attach loads the XDP program through libxdp (the multi-program dispatcher
 * where the kernel allows it, a single program where it does not: libxdp
 * decides and falls back by itself), fills the policy maps before the
 * program sees its first packet, and pins everything under
 * /sys/fs/bpf/vpnxdp/IFACE.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "vpnxdp.skel.h"
#include "cli.h"
#include "log.h"
#include "pins.h"
#include "policy.h"
#include "policy_maps.h"

/* Flow cache sizes --flows accepts.  An LRU hash preallocates its entries
 * (about 100 bytes each with the kernel's overhead): 16M flows is ~1.6 GB. */
#define VX_FLOWS_MIN 16u
#define VX_FLOWS_MAX (16u << 20)

static const char *vx_mode_name(enum xdp_attach_mode m)
{
	switch (m) {
	case XDP_MODE_NATIVE: return "native";
	case XDP_MODE_SKB: return "skb";
	case XDP_MODE_HW: return "hw";
	default: return "unknown";
	}
}

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

struct vx_attach_opts {
	const char *ifname;
	const char *policy_file;
	enum xdp_attach_mode mode;
	bool auto_mode;
	__u32 flows; /* max_entries of the flow cache */
};

/*
 * Two opens of the embedded object: the first creates only the maps (its
 * program is not loaded) so the policy can be written before any packet is
 * judged; the second reuses those maps and goes to libxdp, which loads and
 * attaches its program.
 */
static int vx_do_attach(const struct vx_attach_opts *o, unsigned int ifindex,
			const struct vx_policy *pol, const char *json)
{
	struct vpnxdp_bpf *maps_skel = NULL, *prog_skel = NULL;
	struct bpf_map *mm[VX_NMAPS], *pm[VX_NMAPS];
	struct xdp_program *xprog = NULL;
	enum xdp_attach_mode mode = o->mode;
	struct xdp_multiprog *mp;
	char dir[PATH_MAX], tmpdir[PATH_MAX], path[PATH_MAX + 32], errbuf[256];
	struct vx_meta meta = {};
	int fds[VX_NMAPS];
	bool attached = false, made_dir = false;
	__u32 zero = 0;
	int err;

	vx_pin_dir(dir, sizeof(dir), o->ifname);

	maps_skel = vpnxdp_bpf__open();
	if (!maps_skel) {
		err = -errno;
		vx_err("cannot open the embedded BPF object: %s", strerror(-err));
		goto out;
	}
	bpf_program__set_autoload(maps_skel->progs.vpnxdp_xdp, false);
	/* Both opens declare the same flow cache size: the second reuses the
	 * first's map, and libbpf checks that the two definitions agree. */
	err = bpf_map__set_max_entries(maps_skel->maps.vx_flows, o->flows);
	if (err) {
		vx_err("cannot size the flow cache: %s", strerror(-err));
		goto out;
	}
	err = vpnxdp_bpf__load(maps_skel);
	if (err) {
		vx_err("cannot create BPF maps: %s%s", strerror(-err),
		       err == -EPERM ? " (not enough privilege or memlock?)" : "");
		goto out;
	}
	err = vx_obj_maps(maps_skel->obj, mm);
	if (err)
		goto out;
	for (int i = 0; i < VX_NMAPS; i++)
		fds[i] = bpf_map__fd(mm[i]);

	err = vx_policy_install(fds, 0, pol, json);
	if (!err)
		err = vx_slot_switch(fds, 0, 1);
	if (err) {
		vx_err("cannot write the policy maps: %s", strerror(-err));
		goto out;
	}

	prog_skel = vpnxdp_bpf__open();
	if (!prog_skel) {
		err = -errno;
		vx_err("cannot open the embedded BPF object: %s", strerror(-err));
		goto out;
	}
	err = bpf_map__set_max_entries(prog_skel->maps.vx_flows, o->flows);
	if (err) {
		vx_err("cannot size the flow cache: %s", strerror(-err));
		goto out;
	}
	err = vx_obj_maps(prog_skel->obj, pm);
	if (err)
		goto out;
	for (int i = 0; i < VX_NMAPS; i++) {
		err = bpf_map__reuse_fd(pm[i], fds[i]);
		if (err) {
			vx_err("cannot share map %s: %s", vx_map_names[i],
			       strerror(-err));
			goto out;
		}
	}
	xprog = xdp_program__from_bpf_obj(prog_skel->obj, "xdp");
	err = (int)libxdp_get_error(xprog);
	if (err) {
		xprog = NULL;
		vx_err("libxdp cannot use the BPF object: %s", strerror(-err));
		goto out;
	}

	err = xdp_program__attach(xprog, (int)ifindex, mode, 0);
	if (err && mode == XDP_MODE_NATIVE && o->auto_mode) {
		vx_libxdp_errstr(err, errbuf, sizeof(errbuf));
		vx_info("%s: native XDP failed (%s); falling back to skb (generic) mode",
			o->ifname, errbuf);
		mode = XDP_MODE_SKB;
		err = xdp_program__attach(xprog, (int)ifindex, mode, 0);
	}
	if (err) {
		vx_libxdp_errstr(err, errbuf, sizeof(errbuf));
		if (mode == XDP_MODE_NATIVE)
			vx_err("%s: native XDP attach failed: %s; the driver may not "
			       "support XDP: retry with '--mode skb' (or --mode auto)",
			       o->ifname, errbuf);
		else
			vx_err("%s: %s XDP attach failed: %s", o->ifname,
			       vx_mode_name(mode), errbuf);
		goto out;
	}
	attached = true;

	mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	meta.abi = VX_ABI_VERSION;
	meta.mode = mode;
	meta.multiprog = mp && !libxdp_get_error(mp) && !xdp_multiprog__is_legacy(mp);
	meta.ifindex = ifindex;
	meta.attached_at = (__u64)time(NULL);
	meta.netns_ino = vx_netns_ino();
	snprintf(meta.policy, sizeof(meta.policy), "%s",
		 o->policy_file ? o->policy_file : "defaults");
	if (mp && !libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	if (bpf_map_update_elem(fds[VX_MAP_META], &zero, &meta, BPF_ANY) != 0) {
		err = -errno;
		vx_err("cannot write attachment metadata: %s", strerror(errno));
		goto out;
	}

	/* Pin into a private directory, then rename it into place: other
	 * commands never see a half-pinned attachment, and of two racing
	 * attaches exactly one wins.  The program pinned is the one attached
	 * (under the dispatcher, libxdp's freplace copy, not our load). */
	if (mkdir(VX_PIN_ROOT, 0700) != 0 && errno != EEXIST) {
		err = -errno;
		vx_err("cannot create %s: %s", VX_PIN_ROOT, strerror(errno));
		goto out;
	}
	/* bpffs refuses names with '.'; ':' never occurs in an interface
	 * name, so this cannot collide with an attachment. */
	snprintf(tmpdir, sizeof(tmpdir), "%s/%s:%d:attaching", VX_PIN_ROOT,
		 o->ifname, (int)getpid());
	if (mkdir(tmpdir, 0700) != 0) {
		err = -errno;
		vx_err("cannot create %s: %s", tmpdir, strerror(errno));
		goto out;
	}
	made_dir = true;
	for (int i = 0; i < VX_NMAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, vx_map_names[i]);
		if (bpf_obj_pin(fds[i], path) != 0) {
			err = -errno;
			vx_err("cannot pin %s: %s", path, strerror(errno));
			goto out;
		}
	}
	snprintf(path, sizeof(path), "%s/prog", tmpdir);
	if (bpf_obj_pin(xdp_program__fd(xprog), path) != 0) {
		err = -errno;
		vx_err("cannot pin %s: %s", path, strerror(errno));
		goto out;
	}
	if (rename(tmpdir, dir) != 0) {
		err = -errno;
		vx_err("cannot move pins into %s: %s%s", dir, strerror(errno),
		       errno == EEXIST || errno == ENOTEMPTY ?
		       " (another vpnxdp attach got there first)" : "");
		goto out;
	}
	made_dir = false;

	printf("%s: attached (%s mode, %s, program id %u)\n", o->ifname,
	       vx_mode_name(mode),
	       meta.multiprog ? "libxdp dispatcher" : "single program",
	       xdp_program__id(xprog));
	err = 0;
out:
	if (err) {
		if (attached)
			xdp_program__detach(xprog, (int)ifindex, mode, 0);
		if (made_dir)
			vx_pins_remove_dir(tmpdir);
	}
	xdp_program__close(xprog);
	vpnxdp_bpf__destroy(prog_skel);
	vpnxdp_bpf__destroy(maps_skel);
	return err;
}

int cmd_attach(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "policy", required_argument, NULL, 'p' },
		{ "flows", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct vx_attach_opts o = { .mode = XDP_MODE_NATIVE,
				    .flows = VX_FLOWS_DEFAULT };
	struct vx_policy pol;
	char *json = NULL;
	struct vx_pins pins;
	unsigned int ifindex, id;
	int c, ret = VX_EXIT_INPUT;

	while ((c = getopt_long(argc, argv, "m:p:f:h", lo, NULL)) != -1) {
		switch (c) {
		case 'f': {
			char *end;
			unsigned long n;

			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || n < VX_FLOWS_MIN ||
			    n > VX_FLOWS_MAX) {
				vx_err("attach: --flows wants a number of flows from %u to %u, not '%s'",
				       VX_FLOWS_MIN, VX_FLOWS_MAX, optarg);
				return VX_EXIT_INPUT;
			}
			o.flows = (__u32)n;
			break;
		}
		case 'm':
			if (!strcmp(optarg, "native")) {
				o.mode = XDP_MODE_NATIVE;
			} else if (!strcmp(optarg, "skb")) {
				o.mode = XDP_MODE_SKB;
			} else if (!strcmp(optarg, "auto")) {
				o.mode = XDP_MODE_NATIVE;
				o.auto_mode = true;
			} else {
				vx_err("attach: unknown mode '%s' (native, skb or auto)",
				       optarg);
				return VX_EXIT_INPUT;
			}
			break;
		case 'p':
			o.policy_file = optarg;
			break;
		case 'h':
			vx_usage("attach", false);
			return VX_EXIT_OK;
		default:
			vx_usage("attach", true);
			return VX_EXIT_INPUT;
		}
	}
	if (optind != argc - 1) {
		vx_usage("attach", true);
		return VX_EXIT_INPUT;
	}
	o.ifname = argv[optind];

	if (o.policy_file) {
		if (vx_policy_load(o.policy_file, false, &pol))
			return VX_EXIT_INPUT;
	} else {
		vx_policy_init(&pol);
	}
	if (!vx_need_root()) {
		ret = VX_EXIT_SYSTEM;
		goto out;
	}
	ifindex = vx_iface_index(o.ifname);
	if (!ifindex)
		goto out;
	ret = VX_EXIT_SYSTEM;
	if (vx_bpffs_ensure())
		goto out;

	if (vx_pins_exist(o.ifname)) {
		if (vx_pins_open(&pins, o.ifname) == 0) {
			enum vx_liveness live = vx_pins_live(&pins, &id);
			struct vx_meta m;

			if (live == VX_LIVE && vx_read_meta(&pins, &m) == 0) {
				vx_pins_close(&pins);
				printf("%s: already attached (%s mode, program id %u); nothing changed\n",
				       o.ifname, vx_mode_name(m.mode), id);
				ret = VX_EXIT_OK;
				goto out;
			}
			vx_pins_close(&pins);
			if (live == VX_OTHER_NETNS) {
				vx_err("%s: an interface of that name is attached in another "
				       "network namespace (pins are named by interface); "
				       "detach it there first", o.ifname);
				ret = VX_EXIT_INPUT;
				goto out;
			}
		}
		vx_info("%s: removing a stale attachment (its program is no longer on the interface)",
			o.ifname);
		if (vx_pins_remove(o.ifname)) {
			vx_err("%s: cannot remove stale pins", o.ifname);
			goto out;
		}
	}
	if (vx_check_foreign(o.ifname, ifindex)) {
		ret = VX_EXIT_INPUT;
		goto out;
	}

	json = vx_policy_to_json(&pol, 0, false);
	if (!json) {
		vx_err("out of memory");
		goto out;
	}
	if (vx_do_attach(&o, ifindex, &pol, json) == 0)
		ret = VX_EXIT_OK;
out:
	free(json);
	vx_policy_free(&pol);
	return ret;
}

static int vx_detach_prog(const char *ifname, unsigned int ifindex,
			  unsigned int id)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	struct xdp_program *prog = NULL;
	enum xdp_attach_mode mode;
	int err = -ENOENT;

	if (!mp || libxdp_get_error(mp))
		return -ENOENT;
	mode = xdp_multiprog__attach_mode(mp);
	if (xdp_multiprog__is_legacy(mp)) {
		prog = xdp_multiprog__main_prog(mp);
		if (prog && xdp_program__id(prog) == id)
			err = xdp_program__detach(prog, (int)ifindex, mode, 0);
	} else {
		while ((prog = xdp_multiprog__next_prog(prog, mp))) {
			if (xdp_program__id(prog) == id) {
				err = xdp_program__detach(prog, (int)ifindex, mode, 0);
				break;
			}
		}
	}
	xdp_multiprog__close(mp);
	if (err && err != -ENOENT) {
		char buf[256];

		vx_libxdp_errstr(err, buf, sizeof(buf));
		vx_err("%s: cannot detach program %u: %s", ifname, id, buf);
	}
	return err;
}

int cmd_detach(int argc, char **argv)
{
	const char *ifname;
	struct vx_pins pins;
	unsigned int id = 0, ifindex;
	enum vx_liveness live;
	int err;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		vx_usage("detach", false);
		return VX_EXIT_OK;
	}
	if (argc != 2 || argv[1][0] == '-') {
		vx_usage("detach", true);
		return VX_EXIT_INPUT;
	}
	ifname = argv[1];
	if (!vx_iface_name_ok(ifname))
		return VX_EXIT_INPUT;
	if (!vx_need_root())
		return VX_EXIT_SYSTEM;
	if (vx_bpffs_ensure())
		return VX_EXIT_SYSTEM;
	if (!vx_pins_exist(ifname)) {
		vx_err("%s: not attached", ifname);
		return VX_EXIT_INPUT;
	}
	err = vx_pins_open(&pins, ifname);
	live = err == 0 ? vx_pins_live(&pins, &id) : VX_STALE;
	if (live == VX_OTHER_NETNS) {
		vx_err("%s: attached in another network namespace; run detach there "
		       "(e.g. nsenter --net=/var/run/netns/NS vpnxdp detach %s)",
		       ifname, ifname);
		vx_pins_close(&pins);
		return VX_EXIT_INPUT;
	}
	if (err == 0)
		vx_pins_lock(&pins);
	ifindex = if_nametoindex(ifname);
	if (live == VX_LIVE && vx_detach_prog(ifname, ifindex, id) != 0) {
		vx_pins_close(&pins);
		return VX_EXIT_SYSTEM;
	}
	vx_pins_close(&pins);
	if (vx_pins_remove(ifname) != 0) {
		vx_err("%s: program detached but pins remain under %s/%s",
		       ifname, VX_PIN_ROOT, ifname);
		return VX_EXIT_SYSTEM;
	}
	if (live == VX_LIVE)
		printf("%s: detached (program id %u)\n", ifname, id);
	else
		printf("%s: removed a stale attachment (the program was no longer on the interface)\n",
		       ifname);
	return VX_EXIT_OK;
}
