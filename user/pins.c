// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "log.h"
#include "pins.h"

const char *const vx_map_names[VX_NMAPS] = {
	[VX_MAP_SIGS] = "vx_sigs",
	[VX_MAP_PROTOS] = "vx_protos",
	[VX_MAP_RULES] = "vx_rules",
	[VX_MAP_CONFIG] = "vx_config",
	[VX_MAP_COUNTERS] = "vx_counters",
	[VX_MAP_META] = "vx_meta",
	[VX_MAP_PFX4] = "vx_pfx4",
	[VX_MAP_PFX6] = "vx_pfx6",
	[VX_MAP_RATE] = "vx_rate",
	[VX_MAP_STORE] = "vx_store",
	[VX_MAP_FLOWS] = "vx_flows",
	[VX_MAP_FRAGS] = "vx_frags",
	[VX_MAP_FLOWBITS] = "vx_flowbits",
	[VX_MAP_RATES] = "vx_rates",
	[VX_MAP_EVENTS] = "vx_events",
	[VX_MAP_RSTATE] = "vx_rstate",
};

int vx_obj_maps(struct bpf_object *obj, struct bpf_map **maps)
{
	for (int i = 0; i < VX_NMAPS; i++) {
		maps[i] = bpf_object__find_map_by_name(obj, vx_map_names[i]);
		if (!maps[i]) {
			vx_err("the BPF object has no map %s", vx_map_names[i]);
			return -ENOENT;
		}
	}
	return 0;
}

int vx_obj_fds(struct bpf_object *obj, int *fds)
{
	struct bpf_map *maps[VX_NMAPS];
	int err = vx_obj_maps(obj, maps);

	for (int i = 0; !err && i < VX_NMAPS; i++)
		fds[i] = bpf_map__fd(maps[i]);
	return err;
}

int vx_bpffs_ensure(void)
{
	struct statfs st;

	if (statfs(VX_BPFFS, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", VX_BPFFS, "bpf", 0, "mode=0700") != 0) {
		vx_err("bpffs is not mounted at %s and mounting it failed: %s",
		       VX_BPFFS, strerror(errno));
		return -errno;
	}
	vx_debug("mounted bpffs at %s", VX_BPFFS);
	return 0;
}

void vx_pin_dir(char *buf, size_t len, const char *ifname)
{
	snprintf(buf, len, "%s/%s", VX_PIN_ROOT, ifname);
}

bool vx_pins_exist(const char *ifname)
{
	char dir[PATH_MAX];
	struct stat st;

	vx_pin_dir(dir, sizeof(dir), ifname);
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static void vx_pins_reset(struct vx_pins *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < VX_NMAPS; i++)
		p->map_fd[i] = -1;
	p->prog_fd = -1;
	p->lock_fd = -1;
}

int vx_pins_open(struct vx_pins *p, const char *ifname)
{
	char path[PATH_MAX + 32];

	vx_pins_reset(p);
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	vx_pin_dir(p->dir, sizeof(p->dir), ifname);
	if (!vx_pins_exist(ifname)) {
		vx_err("%s: not attached (no %s; see 'vpnxdp status')", ifname,
		       p->dir);
		return -ENOENT;
	}
	for (int i = 0; i < VX_NMAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", p->dir, vx_map_names[i]);
		p->map_fd[i] = bpf_obj_get(path);
		if (p->map_fd[i] < 0) {
			int err = -errno;

			vx_err("%s: cannot open %s: %s (a partial attachment: "
			       "'vpnxdp detach %s' cleans it up)",
			       ifname, path, strerror(-err), ifname);
			vx_pins_close(p);
			return err;
		}
	}
	snprintf(path, sizeof(path), "%s/prog", p->dir);
	p->prog_fd = bpf_obj_get(path);
	return 0;
}

void vx_pins_close(struct vx_pins *p)
{
	for (int i = 0; i < VX_NMAPS; i++)
		if (p->map_fd[i] >= 0)
			close(p->map_fd[i]);
	if (p->prog_fd >= 0)
		close(p->prog_fd);
	if (p->lock_fd >= 0)
		close(p->lock_fd);
	vx_pins_reset(p);
}

int vx_pins_lock(struct vx_pins *p)
{
	if (p->lock_fd >= 0)
		return 0;
	p->lock_fd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->lock_fd < 0)
		return -errno;
	if (flock(p->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -errno;
	vx_info("%s: another vpnxdp command is changing this interface; waiting",
		p->ifname);
	if (flock(p->lock_fd, LOCK_EX) != 0)
		return -errno;
	return 0;
}

int vx_pins_remove_dir(const char *dir)
{
	char path[PATH_MAX + 300];
	struct dirent *de;
	int err = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) != 0 && errno != ENOENT)
			err = -errno;
	}
	closedir(d);
	if (rmdir(dir) != 0 && errno != ENOENT)
		err = -errno;
	/* Leave no empty /sys/fs/bpf/vpnxdp behind either (fails while other
	 * attachments remain, as it should). */
	rmdir(VX_PIN_ROOT);
	return err;
}

int vx_pins_remove(const char *ifname)
{
	char dir[PATH_MAX];

	vx_pin_dir(dir, sizeof(dir), ifname);
	return vx_pins_remove_dir(dir);
}

int vx_read_meta(const struct vx_pins *p, struct vx_meta *m)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(p->map_fd[VX_MAP_META], &zero, m) != 0)
		return -errno;
	return 0;
}

int vx_read_config(const struct vx_pins *p, struct vx_config *c)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(p->map_fd[VX_MAP_CONFIG], &zero, c) != 0)
		return -errno;
	return 0;
}

/* The id of the program an fd refers to, or 0. */
static unsigned int vx_prog_id(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
		return 0;
	return info.id;
}

unsigned long long vx_netns_ino(void)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) != 0)
		return 0;
	return (unsigned long long)st.st_ino;
}

enum vx_liveness vx_pins_live(const struct vx_pins *p, unsigned int *prog_id)
{
	unsigned int id = vx_prog_id(p->prog_fd);
	struct xdp_multiprog *mp;
	struct xdp_program *prog = NULL;
	enum vx_liveness live = VX_STALE;
	struct vx_meta m;
	int ifindex;

	if (prog_id)
		*prog_id = id;
	if (!id || vx_read_meta(p, &m) != 0)
		return VX_STALE;
	if (m.netns_ino && m.netns_ino != vx_netns_ino())
		return VX_OTHER_NETNS;
	ifindex = (int)if_nametoindex(p->ifname);
	if (!ifindex || (__u32)ifindex != m.ifindex)
		return VX_STALE;
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (!mp || libxdp_get_error(mp))
		return VX_STALE;
	if (xdp_multiprog__is_legacy(mp)) {
		prog = xdp_multiprog__main_prog(mp);
		if (prog && xdp_program__id(prog) == id)
			live = VX_LIVE;
	} else {
		while ((prog = xdp_multiprog__next_prog(prog, mp)))
			if (xdp_program__id(prog) == id)
				live = VX_LIVE;
	}
	xdp_multiprog__close(mp);
	return live;
}
