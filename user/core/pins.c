// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
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

#include "core/log.h"
#include "core/pins.h"

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
	p->prog_fd = -1;
	p->lock_fd = -1;
}

/* Does the pinned map @fd have the shape the object defines for @m?  Its
 * size is not compared: attach sets some (flow cache, rings). */
static int vx_pin_check(const struct vx_pins *p, const struct bpf_map *m, int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) {
		vx_err("%s: cannot inspect the pinned map %s: %s", p->ifname,
		       bpf_map__name(m), strerror(errno));
		return -errno;
	}
	if (info.type != bpf_map__type(m) || info.key_size != bpf_map__key_size(m) ||
	    info.value_size != bpf_map__value_size(m)) {
		vx_err("%s: %s/%s is not the map this vpnxdp defines (type %u, key %u, "
		       "value %u bytes; want %u, %u, %u): a foreign or corrupt attachment; "
		       "'vpnxdp detach %s' removes it", p->ifname, p->dir, bpf_map__name(m),
		       info.type, info.key_size, info.value_size, bpf_map__type(m),
		       bpf_map__key_size(m), bpf_map__value_size(m), p->ifname);
		return -EPROTO;
	}
	return 0;
}

/* Give every map of the opened skeleton the fd of its pin. */
static int vx_pins_reuse(struct vx_pins *p)
{
	char path[PATH_MAX + 32];
	struct bpf_map *m;
	int fd, err;

	bpf_object__for_each_map(m, p->skel->obj) {
		if (bpf_map__is_internal(m))
			continue;
		snprintf(path, sizeof(path), "%s/%s", p->dir, bpf_map__name(m));
		fd = bpf_obj_get(path);
		if (fd < 0) {
			err = -errno;
			vx_err("%s: cannot open %s: %s (a partial attachment: "
			       "'vpnxdp detach %s' cleans it up)",
			       p->ifname, path, strerror(-err), p->ifname);
			return err;
		}
		err = vx_pin_check(p, m, fd);
		if (!err)
			err = bpf_map__reuse_fd(m, fd);
		close(fd);
		if (err)
			return err;
	}
	return 0;
}

int vx_pins_open(struct vx_pins *p, const char *ifname)
{
	char path[PATH_MAX + 32];
	int err;

	vx_pins_reset(p);
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	vx_pin_dir(p->dir, sizeof(p->dir), ifname);
	if (!vx_pins_exist(ifname)) {
		vx_err("%s: not attached (no %s; see 'vpnxdp status')", ifname,
		       p->dir);
		return -ENOENT;
	}
	p->skel = vpnxdp_bpf__open();
	if (!p->skel) {
		err = -errno;
		vx_err("cannot open the embedded BPF object: %s", strerror(-err));
		return err;
	}
	err = vx_pins_reuse(p);
	if (err) {
		vx_pins_close(p);
		return err;
	}
	snprintf(path, sizeof(path), "%s/prog", p->dir);
	p->prog_fd = bpf_obj_get(path);
	return 0;
}

void vx_pins_close(struct vx_pins *p)
{
	vpnxdp_bpf__destroy(p->skel);
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

	if (bpf_map_lookup_elem(vx_pins_fd(p, vx_meta), &zero, m) != 0)
		return -errno;
	return 0;
}

int vx_read_config(const struct vx_pins *p, struct vx_config *c)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(vx_pins_fd(p, vx_config), &zero, c) != 0)
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
			live = VX_ATTACHED;
	} else {
		while ((prog = xdp_multiprog__next_prog(prog, mp)))
			if (xdp_program__id(prog) == id)
				live = VX_ATTACHED;
	}
	xdp_multiprog__close(mp);
	return live;
}

static int vx_name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int vx_attached_list(char (*names)[VX_IFNAMSIZ], int max)
{
	struct dirent *de;
	DIR *d = opendir(VX_PIN_ROOT);
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		/* skip ".", ".." and attaches in progress ("IF:PID:attaching") */
		if (de->d_name[0] == '.' || strchr(de->d_name, ':') ||
		    strlen(de->d_name) >= VX_IFNAMSIZ)
			continue;
		snprintf(names[n++], VX_IFNAMSIZ, "%s", de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), vx_name_cmp);
	return n;
}

const char *vx_xdp_mode_name(unsigned int mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE: return "native";
	case XDP_MODE_SKB: return "skb";
	case XDP_MODE_HW: return "hw";
	default: return "unknown";
	}
}
