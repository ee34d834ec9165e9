// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
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
	struct xdp_multiprog *mp;
	int ret;

	if (bpf_xdp_query(ifindex, 0, &q) != 0)
		return -errno;
	if (!q.prog_id)
		return 0;
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (!mp || libxdp_get_error(mp))
		return mp ? (int)libxdp_get_error(mp) : -ENOENT;
	ret = !xdp_multiprog__is_legacy(mp);
	xdp_multiprog__close(mp);
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

/* The multiprog of @ifindex, or NULL with *@err set (0: not a dispatcher). */
static struct xdp_multiprog *vx_mp_get(int ifindex, int *err)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);

	*err = mp ? (int)libxdp_get_error(mp) : -ENOENT;
	if (*err)
		return NULL;
	if (xdp_multiprog__is_legacy(mp)) {
		xdp_multiprog__close(mp);
		return NULL;
	}
	return mp;
}

int vx_dispatcher_find(int ifindex, __u32 id, __u32 map_id, __u32 *found)
{
	struct xdp_program *prog = NULL;
	struct xdp_multiprog *mp;
	int err, ret = 0;

	mp = vx_mp_get(ifindex, &err);
	if (!mp)
		return err == -ENOENT ? 0 : err;
	while ((prog = xdp_multiprog__next_prog(prog, mp))) {
		if (id ? xdp_program__id(prog) == id :
			 map_id && vx_prog_uses_map(xdp_program__fd(prog), map_id)) {
			*found = xdp_program__id(prog);
			ret = 1;
			break;
		}
	}
	xdp_multiprog__close(mp);
	return ret;
}

int vx_dispatcher_detach(int ifindex, __u32 id)
{
	struct xdp_program *prog = NULL;
	struct xdp_multiprog *mp;
	char buf[256];
	int err = -ENOENT;

	mp = vx_mp_get(ifindex, &err);
	while (mp && (prog = xdp_multiprog__next_prog(prog, mp))) {
		if (xdp_program__id(prog) == id) {
			err = xdp_program__detach(prog, ifindex,
						  xdp_multiprog__attach_mode(mp), 0);
			break;
		}
	}
	if (mp)
		xdp_multiprog__close(mp);
	if (err && libxdp_strerror(err, buf, sizeof(buf)) != 0)
		snprintf(buf, sizeof(buf), "%s", strerror(-err));
	if (err)
		vx_err("cannot take program %u out of libxdp's dispatcher on ifindex %d: %s",
		       id, ifindex, buf);
	return err;
}
