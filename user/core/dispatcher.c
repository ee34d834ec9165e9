// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "core/dispatcher.h"
#include "core/log.h"
#include "core/pins.h"

/* Open descriptors below VX_FDS_MAX, as a bitmap (a process of vpnxdp's
 * holds a few dozen). */
#define VX_FDS_MAX 4096
#define VX_FD_WORDS (VX_FDS_MAX / (8 * sizeof(unsigned long)))
#define VX_FD_BIT(fd) (1ul << ((fd) % (8 * sizeof(unsigned long))))

struct vx_mp {
	struct xdp_multiprog *mp;
	unsigned long before[VX_FD_WORDS]; /* what was open before the get */
};

static void vx_fds_open(unsigned long *set)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	memset(set, 0, VX_FD_WORDS * sizeof(*set));
	while (d && (de = readdir(d))) {
		int fd = atoi(de->d_name);

		/* not the directory's own descriptor, closed below */
		if (de->d_name[0] != '.' && fd >= 0 && fd < VX_FDS_MAX && fd != dirfd(d))
			set[fd / (8 * sizeof(*set))] |= VX_FD_BIT(fd);
	}
	if (d)
		closedir(d);
}

struct vx_mp *vx_mp_open(int ifindex, int *err)
{
	struct vx_mp *m = calloc(1, sizeof(*m));

	if (!m) {
		*err = -ENOMEM;
		return NULL;
	}
	vx_fds_open(m->before);
	m->mp = xdp_multiprog__get_from_ifindex(ifindex);
	*err = m->mp ? (int)libxdp_get_error(m->mp) : -ENOENT;
	if (*err) {
		m->mp = NULL;
		vx_mp_close(m);
		return NULL;
	}
	return m;
}

struct xdp_multiprog *vx_mp_of(const struct vx_mp *m)
{
	return m->mp;
}

/* Whatever program fd is open once the multiprog is closed that was not
 * before it was got is libxdp's leak; with a libxdp that leaks nothing,
 * nothing is closed. */
void vx_mp_close(struct vx_mp *m)
{
	unsigned long after[VX_FD_WORDS];
	char link[64], path[64];

	if (!m)
		return;
	if (m->mp)
		xdp_multiprog__close(m->mp);
	vx_fds_open(after);
	for (int fd = 0; fd < VX_FDS_MAX; fd++) {
		unsigned long bit = VX_FD_BIT(fd), w = (unsigned long)fd / (8 * sizeof(bit));
		ssize_t n;

		if (!(after[w] & bit) || (m->before[w] & bit))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0 && (link[n] = 0, !strcmp(link, "anon_inode:bpf-prog")))
			close(fd);
	}
	free(m);
}

/*
 * An extension of @target_fd's global function @btf_id, of the shape of a
 * dispatcher entry (int f(struct xdp_md *)), two instructions long.
 * Hand-made, BTF included (an extension needs BTF of its own), rather than
 * an object file: libxdp decides this inside its attach and, when the
 * kernel refuses, falls back to attaching by netlink without saying so;
 * vpnxdp must know before it attaches.
 */
/* The BTF of int prog0(struct xdp_md *ctx), loaded: its function's id. */
static int vx_probe_btf(struct btf *b)
{
	int i = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int st = btf__add_struct(b, "xdp_md", 0);
	int ptr = st > 0 ? btf__add_ptr(b, st) : st;
	int proto = i > 0 ? btf__add_func_proto(b, i) : i;
	int fn;

	if (i < 0 || st < 0 || ptr < 0 || proto < 0 || btf__add_func_param(b, "ctx", ptr))
		return -EINVAL;
	fn = btf__add_func(b, "prog0", BTF_FUNC_GLOBAL, proto);
	if (fn < 0)
		return fn;
	return btf__load_into_kernel(b) ? -errno : fn;
}

static int vx_probe_ext(int target_fd, __u32 btf_id)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o);
	struct btf *b = btf__new_empty();
	struct bpf_func_info fi = { 0 };
	int fn, fd;

	if (!b)
		return -ENOMEM;
	fn = vx_probe_btf(b);
	if (fn < 0) {
		btf__free(b);
		return fn;
	}
	fi.type_id = (__u32)fn;
	o.prog_btf_fd = (__u32)btf__fd(b);
	o.func_info = &fi;
	o.func_info_cnt = 1;
	o.func_info_rec_size = sizeof(fi);
	o.attach_prog_fd = (__u32)target_fd;
	o.attach_btf_id = btf_id;
	fd = bpf_prog_load(BPF_PROG_TYPE_EXT, "vx_probe", "GPL", insns, 2, &o);
	fd = fd < 0 ? -errno : fd;
	btf__free(b);
	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

/* libxdp's own dispatcher object (found where libxdp finds it), loaded,
 * and an extension of its first entry. */
static int vx_dispatcher_probe(void)
{
	struct xdp_program *d = xdp_program__find_file("xdp-dispatcher.o", NULL, NULL);
	struct bpf_object *obj;
	struct bpf_program *prog;
	int err, id;

	if (libxdp_get_error(d))
		return (int)libxdp_get_error(d);
	obj = xdp_program__bpf_obj(d);
	prog = obj ? bpf_object__next_program(obj, NULL) : NULL;
	err = prog ? bpf_object__load(obj) : -ENOENT;
	id = err ? -1 : btf__find_by_name_kind(bpf_object__btf(obj), "prog0", BTF_KIND_FUNC);
	if (!err)
		err = id > 0 ? vx_probe_ext(bpf_program__fd(prog), (__u32)id) : -ENOENT;
	xdp_program__close(d);
	return err;
}

bool vx_dispatcher_usable(void)
{
	static int usable = -1;
	int err;

	if (usable < 0) {
		err = vx_dispatcher_probe();
		usable = err == 0;
		vx_debug("libxdp's dispatcher %s here%s%s", usable ? "works" : "does not work",
			 err ? ": " : "", err ? strerror(-err) : "");
	}
	return usable;
}

int vx_dispatcher_present(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct vx_mp *m;
	int ret;

	if (bpf_xdp_query(ifindex, 0, &q) != 0)
		return -errno;
	if (!q.prog_id)
		return 0;
	m = vx_mp_open(ifindex, &ret);
	if (!m)
		return ret;
	ret = !xdp_multiprog__is_legacy(vx_mp_of(m));
	vx_mp_close(m);
	return ret;
}

bool vx_prog_uses_map(int fd, __u32 map_id)
{
	struct bpf_prog_info info = {};
	__u32 ids[64] = { 0 }, len = sizeof(info);

	info.nr_map_ids = 64;
	info.map_ids = (__u64)(unsigned long)ids;
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) != 0 ||
	    strcmp(info.name, VX_PROG_NAME) != 0)
		return false;
	for (__u32 i = 0; i < info.nr_map_ids && i < 64; i++)
		if (ids[i] == map_id)
			return true;
	return false;
}

/* The dispatcher on @ifindex, or NULL with *@err set (0: a single program
 * is there, not a dispatcher). */
static struct vx_mp *vx_mp_get(int ifindex, int *err)
{
	struct vx_mp *m = vx_mp_open(ifindex, err);

	if (m && xdp_multiprog__is_legacy(vx_mp_of(m))) {
		vx_mp_close(m);
		return NULL;
	}
	return m;
}

int vx_dispatcher_find(int ifindex, __u32 id, __u32 map_id, __u32 *found)
{
	struct xdp_program *prog = NULL;
	struct vx_mp *m;
	int err, ret = 0;

	m = vx_mp_get(ifindex, &err);
	if (!m)
		return err == -ENOENT ? 0 : err;
	while ((prog = xdp_multiprog__next_prog(prog, vx_mp_of(m)))) {
		if (id ? xdp_program__id(prog) == id :
			 map_id && vx_prog_uses_map(xdp_program__fd(prog), map_id)) {
			*found = xdp_program__id(prog);
			ret = 1;
			break;
		}
	}
	vx_mp_close(m);
	return ret;
}

int vx_dispatcher_detach(int ifindex, __u32 id)
{
	struct xdp_program *prog = NULL;
	struct vx_mp *m;
	char buf[256];
	int err = -ENOENT;

	m = vx_mp_get(ifindex, &err);
	while (m && (prog = xdp_multiprog__next_prog(prog, vx_mp_of(m)))) {
		if (xdp_program__id(prog) == id) {
			err = xdp_program__detach(prog, ifindex,
						  xdp_multiprog__attach_mode(vx_mp_of(m)), 0);
			break;
		}
	}
	vx_mp_close(m);
	if (err && libxdp_strerror(err, buf, sizeof(buf)) != 0)
		snprintf(buf, sizeof(buf), "%s", strerror(-err));
	if (err)
		vx_err("cannot take program %u out of libxdp's dispatcher on ifindex %d: %s",
		       id, ifindex, buf);
	return err;
}
