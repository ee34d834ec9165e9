// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "core/log.h"
#include "core/pins.h"

#define VX_MAX_MAP_IDS 64

bool vx_entry_parse(const char *name, char *ifname, int *pid)
{
	const char *c = strchr(name, ':');
	size_t n = c ? (size_t)(c - name) : strlen(name);
	char *end;
	long v = 0;

	if (n == 0 || n >= VX_IFNAMSIZ)
		return false;
	if (c) {
		v = strtol(c + 1, &end, 10);
		if (end == c + 1 || v <= 0 || v > 0x7fffffff ||
		    strcmp(end, ":attaching") != 0)
			return false;
	}
	memcpy(ifname, name, n);
	ifname[n] = 0;
	*pid = (int)v;
	return true;
}

static void vx_pins_reset(struct vx_pins *p)
{
	memset(p, 0, sizeof(*p));
	p->root_fd = p->dir_fd = p->prog_fd = p->link_fd = p->lock_fd = -1;
}

/* Mark @p foreign or corrupt, saying why (the first reason is the one to
 * tell). */
__attribute__((format(printf, 2, 3)))
static void vx_corrupt(struct vx_pins *p, const char *fmt, ...)
{
	va_list ap;

	if (p->corrupt)
		return;
	p->corrupt = true;
	va_start(ap, fmt);
	/* the analyzer's false positive of core/log.c */
	vsnprintf(p->why, sizeof(p->why), fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
	va_end(ap);
}

static void vx_map_desc(char *buf, size_t len, __u32 type, __u32 key, __u32 val,
			__u32 max, __u32 flags)
{
	const char *t = libbpf_bpf_map_type_str((enum bpf_map_type)type);

	snprintf(buf, len, "%s key %u value %u max %u flags 0x%x", t ? t : "?",
		 key, val, max, flags);
}

/* The pinned map @name, and its info.  Returns its fd, or -1 after
 * marking @p corrupt. */
static int vx_map_pin(struct vx_pins *p, const char *name, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	int fd = vx_pin_get(p->dir_fd, name);

	memset(info, 0, sizeof(*info));
	if (fd < 0) {
		vx_corrupt(p, "%s: %s", name, fd == -ELOOP ? "a symlink" :
			   fd == -ENOENT ? "missing" : fd == -EINVAL ? "not a pin" :
			   strerror(-fd));
		return -1;
	}
	if (vx_bpf_fd_kind(fd) != 'm' || bpf_obj_get_info_by_fd(fd, info, &len)) {
		vx_corrupt(p, "%s: not a BPF map", name);
		close(fd);
		return -1;
	}
	return fd;
}

/* The size attach gave @m: the flow cache and the rings are sized by its
 * options (recorded in vx_meta), the flush timers by the CPUs. */
static __u32 vx_map_want_max(const struct vx_pins *p, const struct bpf_map *m)
{
	const struct vpnxdp_bpf *s = p->skel;

	if (m == s->maps.vx_flows)
		return p->meta.flows;
	if (m == s->maps.vx_rates || m == s->maps.vx_events)
		return p->meta.ring_size;
	if (m == s->maps.vx_rtimer)
		return (__u32)libbpf_num_possible_cpus();
	return bpf_map__max_entries(m);
}

/* Is the pin @info the map the object defines as @m, sized as recorded? */
static bool vx_map_matches(struct vx_pins *p, const struct bpf_map *m,
			   const struct bpf_map_info *info)
{
	char got[128], want[128];
	__u32 max = vx_map_want_max(p, m);

	if (info->type == (__u32)bpf_map__type(m) &&
	    info->key_size == bpf_map__key_size(m) &&
	    info->value_size == bpf_map__value_size(m) &&
	    info->max_entries == max && info->map_flags == bpf_map__map_flags(m) &&
	    !strncmp(info->name, bpf_map__name(m), BPF_OBJ_NAME_LEN - 1))
		return true;
	vx_map_desc(got, sizeof(got), info->type, info->key_size, info->value_size,
		    info->max_entries, info->map_flags);
	vx_map_desc(want, sizeof(want), bpf_map__type(m), bpf_map__key_size(m),
		    bpf_map__value_size(m), max, bpf_map__map_flags(m));
	vx_corrupt(p, "%s is %s, vpnxdp's is %s", bpf_map__name(m), got, want);
	return false;
}

/* vx_meta first: it says how big the rest must be.  One of another
 * version is told as such (its version is its first word). */
static void vx_meta_read(struct vx_pins *p)
{
	struct bpf_map *m = p->skel->maps.vx_meta;
	struct bpf_map_info info;
	__u32 zero = 0, *buf;
	int fd = vx_map_pin(p, "vx_meta", &info);

	if (fd < 0)
		return;
	if (info.type == BPF_MAP_TYPE_ARRAY && info.key_size == 4 &&
	    info.max_entries >= 1 && info.value_size >= 4 && info.value_size <= 65536 &&
	    (buf = calloc(1, info.value_size))) {
		if (bpf_map_lookup_elem(fd, &zero, buf) == 0 && buf[0] != VX_ABI_VERSION)
			vx_corrupt(p, "attached by another vpnxdp version (ABI %u; this "
				   "vpnxdp is %u)", buf[0], VX_ABI_VERSION);
		free(buf);
	}
	if (!p->corrupt && vx_map_matches(p, m, &info) &&
	    bpf_map_lookup_elem(fd, &zero, &p->meta) == 0 &&
	    bpf_map__reuse_fd(m, fd) == 0)
		p->meta_ok = true;
	close(fd);
}

/* Every map but vx_meta: checked against the object, then the skeleton's
 * map given the pin.  @ids collects their ids (those the program uses). */
static void vx_maps_check(struct vx_pins *p, __u32 *ids, int *nids)
{
	struct bpf_map_info info;
	struct bpf_map *m;
	int fd;

	bpf_object__for_each_map(m, p->skel->obj) {
		if (bpf_map__is_internal(m) || m == p->skel->maps.vx_meta)
			continue;
		fd = vx_map_pin(p, bpf_map__name(m), &info);
		if (fd < 0)
			continue;
		if (m == p->skel->maps.vx_counters)
			p->counters_id = info.id;
		if (!p->corrupt && vx_map_matches(p, m, &info) &&
		    bpf_map__reuse_fd(m, fd) != 0)
			vx_corrupt(p, "%s: cannot be used", bpf_map__name(m));
		/* the userspace-only maps are not the program's */
		if (m != p->skel->maps.vx_store && *nids < VX_MAX_MAP_IDS)
			ids[(*nids)++] = info.id;
		close(fd);
	}
}

static bool vx_ids_have(const __u32 *ids, __u32 n, __u32 id)
{
	for (__u32 i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* The maps of the pinned slow path ("slow": the program the XDP program's
 * tail call reaches, bpf/maps.bpf.h), into @out; returns how many, 0 where
 * it is missing or not vpnxdp's.  Read from its pin: looking a program up
 * by id takes a privilege the exporter does not have. */
static __u32 vx_slow_map_ids(struct vx_pins *p, __u32 *out, __u32 max)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), got = 0;
	int fd = vx_pin_get(p->dir_fd, "slow");

	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = max;
	info.map_ids = (__u64)(unsigned long)out;
	if (vx_bpf_fd_kind(fd) == 'p' && bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
	    !strcmp(info.name, "vpnxdp_slow") && info.type == BPF_PROG_TYPE_XDP)
		got = info.nr_map_ids < max ? info.nr_map_ids : max;
	close(fd);
	return got;
}

/* The pinned program: vpnxdp's by name, the one attach recorded by id and
 * tag, and using the maps pinned beside it. */
static void vx_prog_check(struct vx_pins *p, const __u32 *want, int nwant)
{
	__u32 ids[VX_MAX_MAP_IDS] = { 0 }, tids[VX_MAX_MAP_IDS] = { 0 }, len, n, nt;
	struct bpf_prog_info info;

	p->prog_fd = vx_pin_get(p->dir_fd, "prog");
	if (p->prog_fd == -ENOENT)
		return; /* the caller judges whether one was due */
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = VX_MAX_MAP_IDS;
	info.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	if (p->prog_fd < 0 || vx_bpf_fd_kind(p->prog_fd) != 'p' ||
	    bpf_obj_get_info_by_fd(p->prog_fd, &info, &len) != 0) {
		vx_corrupt(p, "prog: not a BPF program%s",
			   p->prog_fd == -ELOOP ? " (a symlink)" : "");
		if (p->prog_fd >= 0)
			close(p->prog_fd);
		p->prog_fd = -1;
		return;
	}
	p->prog_ours = !strcmp(info.name, VX_PROG_NAME) &&
		       (info.type == BPF_PROG_TYPE_XDP || info.type == BPF_PROG_TYPE_EXT);
	if (!p->prog_ours) {
		vx_corrupt(p, "prog: program '%s' (type %u), not vpnxdp's", info.name,
			   info.type);
	} else if (p->meta_ok && p->meta.prog_id &&
		   (info.id != p->meta.prog_id ||
		    memcmp(info.tag, p->meta.prog_tag, sizeof(info.tag)) != 0)) {
		vx_corrupt(p, "prog: program %u is not the one this attachment recorded "
			   "(%u; the tags differ or the ids do)", info.id, p->meta.prog_id);
	}
	n = info.nr_map_ids < VX_MAX_MAP_IDS ? info.nr_map_ids : VX_MAX_MAP_IDS;
	nt = vx_slow_map_ids(p, tids, VX_MAX_MAP_IDS);
	for (int i = 0; i < nwant; i++)
		if (!vx_ids_have(ids, n, want[i]) && !vx_ids_have(tids, nt, want[i]))
			vx_corrupt(p, "prog: program %u does not use the maps pinned "
				   "beside it", info.id);
}

/* The pinned link: an XDP link of the pinned program. */
static void vx_link_check(struct vx_pins *p)
{
	struct bpf_link_info li = {};
	struct bpf_prog_info pi = {};
	__u32 len = sizeof(li), plen = sizeof(pi);

	p->link_fd = vx_pin_get(p->dir_fd, "link");
	if (p->link_fd == -ENOENT)
		return;
	if (p->link_fd < 0 || vx_bpf_fd_kind(p->link_fd) != 'l' ||
	    bpf_obj_get_info_by_fd(p->link_fd, &li, &len) != 0 ||
	    li.type != BPF_LINK_TYPE_XDP) {
		vx_corrupt(p, "link: not an XDP link%s",
			   p->link_fd == -ELOOP ? " (a symlink)" : "");
		if (p->link_fd >= 0)
			close(p->link_fd);
		p->link_fd = -1;
		return;
	}
	if (p->prog_fd < 0 || bpf_obj_get_info_by_fd(p->prog_fd, &pi, &plen) != 0 ||
	    pi.id != li.prog_id)
		vx_corrupt(p, "link: not the link of the pinned program");
}

/* What a finished attachment must hold beyond its maps. */
static void vx_pins_complete(struct vx_pins *p)
{
	if (p->pid || !p->meta_ok)
		return; /* an interrupted attach stops anywhere */
	if (p->prog_fd < 0)
		vx_corrupt(p, "prog: missing");
	else if (p->meta.path == VX_PATH_LINK && p->link_fd < 0)
		vx_corrupt(p, "link: missing");
}

int vx_pins_examine(struct vx_pins *p, int root_fd, const char *name)
{
	__u32 ids[VX_MAX_MAP_IDS];
	int nids = 0;

	vx_pins_reset(p);
	p->root_fd = root_fd;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (!vx_entry_parse(name, p->ifname, &p->pid)) {
		snprintf(p->why, sizeof(p->why), "not a name vpnxdp makes");
		return -EINVAL;
	}
	p->dir_fd = vx_subdir_open(root_fd, name, p->why, sizeof(p->why));
	if (p->dir_fd < 0)
		return p->dir_fd;
	p->skel = vpnxdp_bpf__open();
	if (!p->skel) {
		snprintf(p->why, sizeof(p->why), "cannot open the embedded BPF object: %s",
			 strerror(errno));
		return -errno;
	}
	vx_meta_read(p);
	if (p->meta_ok)
		vx_maps_check(p, ids, &nids);
	vx_prog_check(p, ids, nids);
	vx_link_check(p);
	vx_pins_complete(p);
	return 0;
}

int vx_pins_open(struct vx_pins *p, const char *ifname)
{
	int root = vx_root_open(false), err;

	vx_pins_reset(p);
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	if (root == -ENOENT) {
		vx_err("%s: not attached (see 'vpnxdp status')", ifname);
		return -ENOENT;
	}
	if (root < 0)
		return root;
	err = vx_pins_examine(p, root, ifname);
	p->own_root = true;
	if (err == -ENOENT)
		vx_err("%s: not attached (see 'vpnxdp status')", ifname);
	else if (err)
		vx_err("%s/%s: %s: refusing it", VX_PIN_ROOT, ifname, p->why);
	else if (p->corrupt)
		vx_err("%s: a foreign or corrupt attachment: %s; 'vpnxdp detach %s' "
		       "removes it", ifname, p->why, ifname);
	if (!err && p->corrupt)
		err = -EPROTO;
	if (err)
		vx_pins_close(p);
	return err;
}

void vx_pins_close(struct vx_pins *p)
{
	vpnxdp_bpf__destroy(p->skel);
	if (p->prog_fd >= 0)
		close(p->prog_fd);
	if (p->link_fd >= 0)
		close(p->link_fd);
	if (p->lock_fd >= 0)
		close(p->lock_fd);
	if (p->dir_fd >= 0)
		close(p->dir_fd);
	if (p->own_root && p->root_fd >= 0)
		close(p->root_fd);
	p->skel = NULL;
	p->own_root = false;
	p->prog_fd = p->link_fd = p->lock_fd = p->dir_fd = p->root_fd = -1;
}

int vx_pins_lock(struct vx_pins *p)
{
	if (p->lock_fd >= 0)
		return 0;
	p->lock_fd = openat(p->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->lock_fd < 0)
		return -errno;
	return vx_fd_lock(p->lock_fd, p->ifname);
}

int vx_read_config(const struct vx_pins *p, struct vx_config *c)
{
	__u32 zero = 0;

	return bpf_map__lookup_elem(p->skel->maps.vx_config, &zero, sizeof(zero),
				    c, sizeof(*c), 0);
}

int vx_write_meta(const struct vx_pins *p, const struct vx_meta *m)
{
	__u32 zero = 0;

	return bpf_map__update_elem(p->skel->maps.vx_meta, &zero, sizeof(zero),
				    m, sizeof(*m), BPF_ANY);
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

int vx_attached_list(char (*names)[VX_ENTRY_LEN], int max)
{
	static char ents[256][VX_ENTRY_LEN];
	char ifname[VX_IFNAMSIZ];
	int root = vx_root_open(false), n, pid, m = 0;

	if (root == -ENOENT)
		return 0;
	if (root < 0)
		return root;
	n = vx_dir_entries(root, ents, 256);
	close(root);
	for (int k = 0; k < n && m < max; k++)
		if (vx_entry_parse(ents[k], ifname, &pid) && !pid)
			snprintf(names[m++], VX_ENTRY_LEN, "%s", ifname);
	return n < 0 ? n : m;
}
