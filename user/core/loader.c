// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/caps.h"
#include "core/loader.h"
#include "core/log.h"
#include "policy/maps.h"
#include "policy/policy.h"

/* No map pinned by libbpf: it would pin them by name into /sys/fs/bpf
 * unless told otherwise.  attach pins them itself, into a directory it
 * checked (user/core/bpffs.c). */
static int vx_clear_pins(struct vpnxdp_bpf *s)
{
	struct bpf_map *m;
	int err;

	bpf_object__for_each_map(m, s->obj) {
		if (bpf_map__is_internal(m))
			continue;
		err = bpf_map__set_pin_path(m, NULL);
		if (err)
			return err;
	}
	return 0;
}

static int vx_apply_opts(struct vpnxdp_bpf *s, const struct vx_load_opts *o)
{
	int err = vx_clear_pins(s), ncpu;

	if (err) {
		vx_err("cannot set the pin paths: %s", strerror(-err));
		return err;
	}
	if (o->interval_ns)
		s->rodata->vx_interval_ns = o->interval_ns;
	if (o->rates_off)
		s->rodata->vx_rates_on = 0;
	/* One flush timer per possible CPU (bpf/maps.bpf.h, vx_rtimer). */
	ncpu = libbpf_num_possible_cpus();
	err = ncpu > 0 ? bpf_map__set_max_entries(s->maps.vx_rtimer, (__u32)ncpu) : ncpu;
	if (!err && o->flows)
		err = bpf_map__set_max_entries(s->maps.vx_flows, o->flows);
	if (!err && o->ring_size)
		err = bpf_map__set_max_entries(s->maps.vx_rates, o->ring_size);
	if (!err && o->ring_size)
		err = bpf_map__set_max_entries(s->maps.vx_events, o->ring_size);
	if (err)
		vx_err("cannot size the maps: %s", strerror(-err));
	if (!err && o->maps_only) {
		bpf_program__set_autoload(s->progs.vpnxdp_xdp, false);
		bpf_program__set_autoload(s->progs.vpnxdp_slow, false);
	}
	return err;
}

struct vpnxdp_bpf *vx_open(const struct vx_load_opts *o)
{
	struct vpnxdp_bpf *s = vpnxdp_bpf__open();
	int err;

	if (!s) {
		vx_err("cannot open the embedded BPF object: %s", strerror(errno));
		return NULL;
	}
	err = vx_apply_opts(s, o);
	if (err) {
		vpnxdp_bpf__destroy(s);
		errno = -err;
		return NULL;
	}
	return s;
}

struct vpnxdp_bpf *vx_load(const struct vx_load_opts *o)
{
	struct vpnxdp_bpf *s = vx_open(o);
	int err;

	if (!s)
		return NULL;
	err = vpnxdp_bpf__load(s);
	if (!err && !o->maps_only)
		err = vx_tail_fill(s);
	if (err) {
		vx_err("cannot load the BPF %s: %s%s", o->maps_only ? "maps" : "program",
		       strerror(-err), vx_caps_hint(err, VX_CAPS_LOAD));
		vpnxdp_bpf__destroy(s);
		errno = -err;
		return NULL;
	}
	return s;
}

int vx_tail_fill(struct vpnxdp_bpf *s)
{
	int fd = bpf_program__fd(s->progs.vpnxdp_slow), err;
	__u32 zero = 0;

	/* libbpf returns -errno */
	err = fd < 0 ? fd : bpf_map_update_elem(bpf_map__fd(s->maps.vx_tail), &zero,
						&fd, BPF_ANY);
	if (err)
		vx_err("cannot set the slow path's tail call: %s", strerror(-err));
	return err;
}

int vx_load_policy(struct vpnxdp_bpf *s, const struct vx_policy *pol,
		   const struct vx_compiled *c)
{
	char *json = vx_policy_to_json(pol, 0, false);
	int err;

	if (!json) {
		vx_err("out of memory");
		return -ENOMEM;
	}
	err = c ? vx_policy_install_compiled(s, 0, pol, c, json) :
		  vx_policy_install(s, 0, pol, json);
	if (!err)
		err = vx_slot_switch(s, 0, 1);
	if (err)
		vx_err("cannot write the policy maps: %s", strerror(-err));
	free(json);
	return err;
}
