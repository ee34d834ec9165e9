// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp status [IFACE] [--json]: what is attached where, and how.  Every
 * entry of the pin root is listed, whatever it is: attachments, what an
 * interrupted attach left, foreign or corrupt ones, entries vpnxdp did not
 * make; one bad entry never hides the others.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/exit.h"
#include "core/liveness.h"
#include "core/log.h"
#include "core/pins.h"

struct vx_status {
	struct vx_pins p;
	int err;            /* the entry itself refused (p.why) */
	struct vx_live l;
	struct vx_config cfg;
	bool cfg_ok;
	bool busy;          /* an attach or detach holds the pin root */
};

static const char *vx_status_state(const struct vx_status *s)
{
	if (s->err)
		return "refused";
	if (s->p.pid)
		return "interrupted";
	if (s->p.corrupt)
		return "corrupt";
	return vx_state_name(s->l.st);
}

static json_t *vx_status_json(const struct vx_status *s)
{
	const struct vx_meta *m = &s->p.meta;
	json_t *o = json_object();

	json_object_set_new(o, "interface", json_string(s->p.ifname[0] ? s->p.ifname : s->p.name));
	if (strcmp(s->p.ifname, s->p.name) != 0)
		json_object_set_new(o, "entry", json_string(s->p.name));
	json_object_set_new(o, "state", json_string(vx_status_state(s)));
	if (s->err || s->p.corrupt)
		json_object_set_new(o, "problem", json_string(s->p.why));
	if (s->err)
		return o;
	if (s->p.pid)
		json_object_set_new(o, "pid", json_integer(s->p.pid));
	json_object_set_new(o, "program_state", json_string(vx_state_name(s->l.st)));
	json_object_set_new(o, "reason", json_string(s->l.why));
	json_object_set_new(o, "program_id", json_integer(s->l.prog_id));
	json_object_set_new(o, "link_id", json_integer(s->l.link_id));
	if (!s->p.meta_ok)
		return o;
	json_object_set_new(o, "mode", json_string(vx_xdp_mode_name(m->mode)));
	json_object_set_new(o, "path", json_string(m->path == VX_PATH_DISPATCHER ?
						    "dispatcher" : "single"));
	json_object_set_new(o, "policy", json_string(m->policy));
	if (s->cfg_ok)
		json_object_set_new(o, "generation", json_integer(s->cfg.generation));
	json_object_set_new(o, "attached_at", json_integer((json_int_t)m->attached_at));
	json_object_set_new(o, "interval_ms", json_integer(m->interval_ms));
	json_object_set_new(o, "ring_size", json_integer(m->ring_size));
	return o;
}

static void vx_status_details(const struct vx_status *s)
{
	const struct vx_meta *m = &s->p.meta;
	char when[64] = "?";
	time_t t = (time_t)m->attached_at;
	struct tm tm;

	if (!s->p.meta_ok || !s->cfg_ok)
		return;
	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("    policy: %s (generation %u), since %s\n", m->policy,
	       s->cfg.generation, when);
	printf("    rate records every %u ms, ring buffers of %u bytes\n",
	       m->interval_ms, m->ring_size);
}

static void vx_status_live(const struct vx_status *s)
{
	const struct vx_meta *m = &s->p.meta;
	char path[48];

	if (m->path == VX_PATH_LINK)
		snprintf(path, sizeof(path), "single program, XDP link %u", s->l.link_id);
	else
		snprintf(path, sizeof(path), "%s", m->path == VX_PATH_DISPATCHER ?
			 "libxdp dispatcher" : "single program");
	printf("%s: attached, %s mode, program id %u, %s\n", s->p.ifname,
	       vx_xdp_mode_name(s->l.mode), s->l.prog_id, path);
}

static void vx_status_text(const struct vx_status *s)
{
	const char *n = s->p.ifname, *w = s->l.why;

	if (s->err)
		printf("%s: REFUSED (%s): not an attachment vpnxdp made; inspect it and "
		       "remove it\n", s->p.name, s->p.why);
	else if (s->p.pid)
		printf("%s: INTERRUPTED attach (pid %d%s): its program is %s (%s); "
		       "'vpnxdp detach %s' cleans up\n", n, s->p.pid,
		       s->busy ? ", or one in progress" : "", vx_state_name(s->l.st), w, n);
	else if (s->p.corrupt)
		printf("%s: FOREIGN OR CORRUPT attachment (%s); its program is %s (%s); "
		       "'vpnxdp detach %s' removes it\n", n, s->p.why,
		       vx_state_name(s->l.st), w, n);
	else if (s->l.st == VX_ST_LIVE)
		vx_status_live(s);
	else if (s->l.st == VX_ST_STALE)
		printf("%s: STALE (%s); 'vpnxdp detach %s' cleans up\n", n, w, n);
	else if (s->l.st == VX_ST_GONE)
		printf("%s: GONE (%s); 'vpnxdp detach %s' removes the pins\n", n, w, n);
	else if (s->l.st == VX_ST_OTHER_NETNS)
		printf("%s: attached in another network namespace (%s)\n", n, w);
	else
		printf("%s: UNKNOWN: %s; nothing was changed\n", n, w);
	if (!s->err && !s->p.pid)
		vx_status_details(s);
}

static void vx_status_one(int root, const char *name, bool busy, json_t *arr)
{
	struct vx_status s = { .busy = busy };

	s.err = vx_pins_examine(&s.p, root, name);
	if (!s.err) {
		vx_pins_state(&s.p, &s.l);
		s.cfg_ok = !s.p.corrupt && vx_read_config(&s.p, &s.cfg) == 0;
	}
	if (arr)
		json_array_append_new(arr, vx_status_json(&s));
	else
		vx_status_text(&s);
	vx_pins_close(&s.p);
}

/* The entries to show: all, or IFACE's (@ifname). */
static int vx_status_list(int root, const char *ifname, json_t *arr)
{
	static char names[256][VX_ENTRY_LEN];
	char ifn[VX_IFNAMSIZ];
	int n = vx_dir_entries(root, names, 256), pid, shown = 0;
	bool busy = vx_fd_locked(root);

	for (int k = 0; k < n; k++) {
		if (ifname && (!vx_entry_parse(names[k], ifn, &pid) || strcmp(ifn, ifname) != 0))
			continue;
		vx_status_one(root, names[k], busy, arr);
		shown++;
	}
	return n < 0 ? n : shown;
}

static int vx_status_run(const struct vx_args *a)
{
	const char *ifname = a->npos ? a->pos[0] : NULL;
	json_t *arr = a->json ? json_array() : NULL;
	int root = vx_root_open(false), n = 0;

	if (root < 0 && root != -ENOENT) {
		json_decref(arr);
		return VX_EXIT_SYSTEM;
	}
	if (root >= 0) {
		n = vx_status_list(root, ifname, arr);
		close(root);
	}
	if (n < 0)
		vx_err("cannot list %s: %s", VX_PIN_ROOT, strerror(-n));
	if (ifname && n == 0)
		vx_err("%s: not attached", ifname);
	else if (!arr && n == 0)
		printf("no interfaces attached\n");
	if (arr && n >= 0 && !(ifname && n == 0)) {
		json_t *top = json_object();

		json_object_set_new(top, "interfaces", arr);
		json_dumpf(top, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(top);
	} else {
		json_decref(arr);
	}
	return n < 0 ? VX_EXIT_SYSTEM : ifname && n == 0 ? VX_EXIT_INPUT : VX_EXIT_OK;
}

const struct vx_cmd vx_cmd_status = {
	.name = "status",
	.run = vx_status_run,
	.min_pos = 0, .max_pos = 1, .ifaces = 1,
	.flags = VX_CMD_JSON | VX_CMD_PRIV | VX_CMD_BPFFS,
	.synopsis = "[IFACE] [--json]",
	.help = "    Every entry of the pin root: attached interfaces (mode, program id,\n"
		"    dispatcher or single program, the policy in force), stale, gone or\n"
		"    interrupted ones, and anything foreign or corrupt.",
};
