// SPDX-License-Identifier: GPL-2.0
/* vpnxdp status [IFACE] [--json]: what is attached where, and how. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/exit.h"
#include "core/log.h"
#include "core/pins.h"

struct vx_status {
	char ifname[VX_IFNAMSIZ];
	enum vx_liveness live;
	unsigned int prog_id;
	struct vx_meta meta;
	struct vx_config cfg;
};

static const char *vx_state_name(enum vx_liveness l)
{
	switch (l) {
	case VX_ATTACHED: return "attached";
	case VX_OTHER_NETNS: return "other-netns";
	default: return "stale";
	}
}

static int vx_status_get(const char *ifname, struct vx_status *s)
{
	struct vx_pins pins;
	int err;

	memset(s, 0, sizeof(*s));
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	err = vx_pins_open(&pins, ifname);
	if (err)
		return err;
	s->live = vx_pins_live(&pins, &s->prog_id);
	err = vx_read_meta(&pins, &s->meta);
	if (!err)
		err = vx_read_config(&pins, &s->cfg);
	vx_pins_close(&pins);
	return err;
}

static json_t *vx_status_json(const struct vx_status *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "interface", json_string(s->ifname));
	json_object_set_new(o, "state", json_string(vx_state_name(s->live)));
	json_object_set_new(o, "mode", json_string(vx_xdp_mode_name(s->meta.mode)));
	json_object_set_new(o, "program_id", json_integer(s->prog_id));
	json_object_set_new(o, "path", json_string(s->meta.multiprog ?
						    "dispatcher" : "single"));
	json_object_set_new(o, "policy", json_string(s->meta.policy));
	json_object_set_new(o, "generation", json_integer(s->cfg.generation));
	json_object_set_new(o, "attached_at", json_integer((json_int_t)s->meta.attached_at));
	json_object_set_new(o, "interval_ms", json_integer(s->meta.interval_ms));
	json_object_set_new(o, "ring_size", json_integer(s->meta.ring_size));
	return o;
}

static void vx_status_text(const struct vx_status *s)
{
	char when[64] = "?";
	time_t t = (time_t)s->meta.attached_at;
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("%s: %s, %s mode, program id %u, %s\n", s->ifname,
	       s->live == VX_ATTACHED ? "attached" :
	       s->live == VX_STALE ? "STALE (program no longer on the interface; "
				     "'vpnxdp detach' cleans up)" :
				     "attached in another network namespace",
	       vx_xdp_mode_name(s->meta.mode), s->prog_id,
	       s->meta.multiprog ? "libxdp dispatcher" : "single program");
	printf("    policy: %s (generation %u), since %s\n", s->meta.policy,
	       s->cfg.generation, when);
	printf("    rate records every %u ms, ring buffers of %u bytes\n",
	       s->meta.interval_ms, s->meta.ring_size);
}

/* One attachment's status, or an incomplete one's (pins missing or
 * unreadable: an attach that crashed half way), listed so that it gets
 * cleaned up. */
static void vx_status_one(const char *name, json_t *arr)
{
	struct vx_status s;

	if (vx_status_get(name, &s) == 0) {
		if (arr)
			json_array_append_new(arr, vx_status_json(&s));
		else
			vx_status_text(&s);
	} else if (arr) {
		json_t *o = json_object();

		json_object_set_new(o, "interface", json_string(name));
		json_object_set_new(o, "state", json_string("incomplete"));
		json_array_append_new(arr, o);
	} else {
		printf("%s: INCOMPLETE attachment (pins missing); "
		       "'vpnxdp detach %s' cleans up\n", name, name);
	}
}

static int vx_status_run(const struct vx_args *a)
{
	static char names[256][VX_IFNAMSIZ];
	json_t *arr = a->json ? json_array() : NULL;
	int n;

	if (a->npos) {
		if (!vx_pins_exist(a->pos[0])) {
			vx_err("%s: not attached", a->pos[0]);
			json_decref(arr);
			return VX_EXIT_INPUT;
		}
		snprintf(names[0], VX_IFNAMSIZ, "%s", a->pos[0]);
		n = 1;
	} else {
		n = vx_attached_list(names, 256);
	}
	if (!arr && n == 0)
		printf("no interfaces attached\n");
	for (int i = 0; i < n; i++)
		vx_status_one(names[i], arr);
	if (arr) {
		json_t *root = json_object();

		json_object_set_new(root, "interfaces", arr);
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(root);
	}
	return VX_EXIT_OK;
}

const struct vx_cmd vx_cmd_status = {
	.name = "status",
	.run = vx_status_run,
	.min_pos = 0, .max_pos = 1, .ifaces = 1,
	.flags = VX_CMD_JSON | VX_CMD_PRIV | VX_CMD_BPFFS,
	.synopsis = "[IFACE] [--json]",
	.help = "    Attached interfaces: mode, program id, dispatcher or single program,\n"
		"    the policy in force.",
};
