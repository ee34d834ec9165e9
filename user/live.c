// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <xdp/libxdp.h>

#include "live.h"
#include "log.h"

static int vx_name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int vx_attached_list(char (*names)[16], int max)
{
	struct dirent *de;
	DIR *d = opendir(VX_PIN_ROOT);
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		/* skip ".", ".." and attaches in progress ("IF:PID:attaching") */
		if (de->d_name[0] == '.' || strchr(de->d_name, ':') ||
		    strlen(de->d_name) >= 16)
			continue;
		snprintf(names[n++], 16, "%s", de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), vx_name_cmp);
	return n;
}

/* Open one attachment's pins and check they are of this version. */
static int vx_live_if_open(struct vx_live_if *i, const char *name)
{
	int err = vx_pins_open(&i->pins, name);

	if (err)
		return err;
	err = vx_read_meta(&i->pins, &i->meta);
	if (err) {
		vx_err("%s: cannot read attachment metadata: %s", name,
		       strerror(-err));
	} else if (i->meta.abi != VX_ABI_VERSION || !i->meta.interval_ms) {
		vx_err("%s: attached by another vpnxdp version (ABI %u, this is %u); "
		       "detach and attach it again", name, i->meta.abi,
		       VX_ABI_VERSION);
		err = -EPROTO;
	}
	if (err)
		vx_pins_close(&i->pins);
	return err;
}

int vx_live_open(struct vx_live *l, char **names, int n, enum vx_map_id map_id,
		 ring_buffer_sample_fn cb, bool skip_bad)
{
	int err = 0;

	memset(l, 0, sizeof(*l));
	l->ncpu = libbpf_num_possible_cpus();
	if (l->ncpu <= 0)
		return l->ncpu ? l->ncpu : -EINVAL;
	l->ifs = calloc((size_t)n, sizeof(*l->ifs));
	if (!l->ifs)
		return -ENOMEM;
	for (int k = 0; k < n; k++) {
		struct vx_live_if *i = &l->ifs[l->n]; /* next free */
		int fd;

		i->owner = l;
		err = vx_live_if_open(i, names[k]);
		if (err && skip_bad) {
			vx_warn("%s: left out", names[k]);
			continue;
		}
		if (err)
			goto fail;
		l->n++;
		fd = i->pins.map_fd[map_id];
		if (!l->rb) {
			l->rb = ring_buffer__new(fd, cb, i, NULL);
			err = l->rb ? 0 : -errno;
		} else {
			err = ring_buffer__add(l->rb, fd, cb, i);
		}
		if (err) {
			vx_err("%s: cannot read ring buffer %s: %s", names[k],
			       vx_map_names[map_id], strerror(-err));
			goto fail;
		}
	}
	if (l->n == 0) {
		vx_err("no attachment could be read");
		err = -ENOENT;
		goto fail;
	}
	return 0;
fail:
	vx_live_close(l);
	return err;
}

void vx_live_close(struct vx_live *l)
{
	ring_buffer__free(l->rb);
	for (int k = 0; k < l->n; k++)
		vx_pins_close(&l->ifs[k].pins);
	free(l->ifs);
	memset(l, 0, sizeof(*l));
}

int vx_live_consume(struct vx_live *l)
{
	return l->rb ? ring_buffer__consume(l->rb) : 0;
}

int vx_live_state(struct vx_live_if *i, int ncpu)
{
	struct vx_rate_state *pc = calloc((size_t)ncpu, sizeof(*pc));
	__u32 zero = 0;
	int err = 0;

	if (!pc)
		return -ENOMEM;
	if (bpf_map_lookup_elem(i->pins.map_fd[VX_MAP_RSTATE], &zero, pc) != 0) {
		err = -errno;
		goto out;
	}
	/* Only the event and loss counters are summed: the interval state
	 * is per CPU by nature. */
	memset(&i->state, 0, sizeof(i->state));
	for (int c = 0; c < ncpu; c++) {
		i->state.seq += pc[c].seq;
		i->state.lost += pc[c].lost;
		i->state.events += pc[c].events;
		i->state.ev_lost += pc[c].ev_lost;
		i->state.ev_capped += pc[c].ev_capped;
	}
out:
	free(pc);
	return err;
}

__u64 vx_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

double vx_mono_to_real(__u64 mono_ns)
{
	struct timespec rt;
	__u64 now = vx_mono_ns();

	clock_gettime(CLOCK_REALTIME, &rt);
	return (double)rt.tv_sec + (double)rt.tv_nsec / 1e9 -
	       ((double)now - (double)mono_ns) / 1e9;
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
