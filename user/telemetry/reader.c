// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <xdp/libxdp.h>

#include "core/counters.h"
#include "core/liveness.h"
#include "core/log.h"
#include "telemetry/reader.h"

/* Open one attachment's pins (checked, and of this version). */
static int vx_reader_if_open(struct vx_reader_if *i, const char *name)
{
	int err = vx_pins_open(&i->pins, name);

	if (err)
		return err;
	i->meta = i->pins.meta;
	if (!i->meta.interval_ms) {
		vx_err("%s: its metadata has no rate interval: a corrupt attachment; "
		       "'vpnxdp detach %s' removes it", name, name);
		vx_pins_close(&i->pins);
		return -EPROTO;
	}
	return 0;
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
	l->live = l->n;
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

int vx_reader_check(struct vx_reader *l, __u64 every_ns, bool say)
{
	__u64 now = vx_mono_ns();
	struct vx_live lv;

	if (now < l->next_check)
		return l->live;
	l->next_check = now + every_ns;
	for (int k = 0; k < l->n; k++) {
		struct vx_reader_if *i = &l->ifs[k];

		if (i->gone)
			continue;
		vx_pins_state(&i->pins, &lv);
		/* unknown is not gone, nor is another namespace: keep reading */
		if (lv.st != VX_ST_STALE && lv.st != VX_ST_GONE)
			continue;
		i->gone = true;
		i->gone_ns = now;
		l->live--;
		snprintf(i->gone_why, sizeof(i->gone_why), "%s: the attachment is %s (%s); "
			 "nothing more comes from it", i->pins.ifname,
			 vx_state_name(lv.st), lv.why);
		if (say)
			vx_warn("%s", i->gone_why);
	}
	return l->live;
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

/* The attachments in the pin root (not what interrupted attaches left),
 * at most VX_READER_MAX, into @all.  Returns how many, or -1 (said). */
int vx_reader_names(const char *cmd, char **names, int n, char **out,
		    bool *listed)
{
	static char all[VX_READER_MAX][VX_ENTRY_LEN];

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
	if (n < 0) {
		vx_err("%s: cannot list %s: %s", cmd, VX_PIN_ROOT, strerror(-n));
		return -1;
	}
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
