// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <xdp/libxdp.h>

#include "core/counters.h"
#include "core/log.h"
#include "telemetry/reader.h"

/* Open one attachment's pins and check they are of this version. */
static int vx_reader_if_open(struct vx_reader_if *i, const char *name)
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

int vx_reader_open(struct vx_reader *l, char **names, int n, enum vx_ring ring,
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
		struct vx_reader_if *i = &l->ifs[l->n]; /* next free */
		int fd;

		i->owner = l;
		err = vx_reader_if_open(i, names[k]);
		if (err && skip_bad) {
			vx_warn("%s: left out", names[k]);
			continue;
		}
		if (err)
			goto fail;
		l->n++;
		fd = ring == VX_RING_RATES ? vx_pins_fd(&i->pins, vx_rates) :
					     vx_pins_fd(&i->pins, vx_events);
		if (!l->rb) {
			l->rb = ring_buffer__new(fd, cb, i, NULL);
			err = l->rb ? 0 : -errno;
		} else {
			err = ring_buffer__add(l->rb, fd, cb, i);
		}
		if (err) {
			vx_err("%s: cannot read its ring buffer of %s: %s", names[k],
			       ring == VX_RING_RATES ? "rate records" : "events",
			       strerror(-err));
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
	vx_reader_close(l);
	return err;
}

void vx_reader_close(struct vx_reader *l)
{
	ring_buffer__free(l->rb);
	for (int k = 0; k < l->n; k++)
		vx_pins_close(&l->ifs[k].pins);
	free(l->ifs);
	memset(l, 0, sizeof(*l));
}

int vx_reader_consume(struct vx_reader *l)
{
	return l->rb ? ring_buffer__consume(l->rb) : 0;
}

int vx_reader_state(struct vx_reader_if *i)
{
	return vx_rstate_read(vx_pins_fd(&i->pins, vx_rstate), &i->state);
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

int vx_reader_names(const char *cmd, char **names, int n, char **out,
		    bool *listed)
{
	static char all[VX_READER_MAX][VX_IFNAMSIZ];

	*listed = n == 0;
	if (n > VX_READER_MAX) {
		vx_err("%s: at most %d interfaces", cmd, VX_READER_MAX);
		return -1;
	}
	if (n) {
		memcpy(out, names, (size_t)n * sizeof(*out));
		return n;
	}
	n = vx_attached_list(all, VX_READER_MAX);
	if (n == 0) {
		vx_err("%s: no interface is attached (see 'vpnxdp attach')", cmd);
		return -1;
	}
	for (int k = 0; k < n; k++)
		out[k] = all[k];
	return n;
}

volatile sig_atomic_t vx_reader_stop;

static void vx_reader_sig(int sig)
{
	(void)sig;
	vx_reader_stop = 1;
}

void vx_reader_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = vx_reader_sig };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
