// SPDX-License-Identifier: GPL-2.0
/* vpnxdp status [IFACE] [--json]: what is attached where, and how. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <xdp/libxdp.h>

#include "cli.h"
#include "log.h"
#include "pins.h"

struct vx_status {
	char ifname[16];
	enum vx_liveness live;
	unsigned int prog_id;
	struct vx_meta meta;
	struct vx_config cfg;
};

static const char *vx_status_mode(const struct vx_status *s)
{
	switch (s->meta.mode) {
	case XDP_MODE_NATIVE: return "native";
	case XDP_MODE_SKB: return "skb";
	case XDP_MODE_HW: return "hw";
	default: return "unknown";
	}
}

static const char *vx_state_name(enum vx_liveness l)
{
	switch (l) {
	case VX_LIVE: return "attached";
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
	json_object_set_new(o, "mode", json_string(vx_status_mode(s)));
	json_object_set_new(o, "program_id", json_integer(s->prog_id));
	json_object_set_new(o, "path", json_string(s->meta.multiprog ?
						    "dispatcher" : "single"));
	json_object_set_new(o, "policy", json_string(s->meta.policy));
	json_object_set_new(o, "generation", json_integer(s->cfg.generation));
	json_object_set_new(o, "attached_at", json_integer((json_int_t)s->meta.attached_at));
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
	       s->live == VX_LIVE ? "attached" :
	       s->live == VX_STALE ? "STALE (program no longer on the interface; "
				     "'vpnxdp detach' cleans up)" :
				     "attached in another network namespace",
	       vx_status_mode(s), s->prog_id,
	       s->meta.multiprog ? "libxdp dispatcher" : "single program");
	printf("    policy: %s (generation %u), since %s\n", s->meta.policy,
	       s->cfg.generation, when);
}

static int vx_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_status(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *names[256];
	int n = 0, c, ret = VX_EXIT_OK;
	bool json = false;
	json_t *arr = NULL;

	while ((c = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			vx_usage("status", false);
			return VX_EXIT_OK;
		default:
			vx_usage("status", true);
			return VX_EXIT_INPUT;
		}
	}
	if (argc - optind > 1) {
		vx_usage("status", true);
		return VX_EXIT_INPUT;
	}
	if (!vx_need_root())
		return VX_EXIT_SYSTEM;
	if (vx_bpffs_ensure())
		return VX_EXIT_SYSTEM;

	if (optind < argc) {
		if (!vx_iface_name_ok(argv[optind]))
			return VX_EXIT_INPUT;
		if (!vx_pins_exist(argv[optind])) {
			vx_err("%s: not attached", argv[optind]);
			return VX_EXIT_INPUT;
		}
		names[n++] = strdup(argv[optind]);
	} else {
		DIR *d = opendir(VX_PIN_ROOT);
		struct dirent *de;

		while (d && (de = readdir(d)) && n < 256)
			/* skip ".", ".." and attaches in progress ("IF:PID:attaching") */
			if (de->d_name[0] != '.' && !strchr(de->d_name, ':'))
				names[n++] = strdup(de->d_name);
		if (d)
			closedir(d);
		qsort(names, (size_t)n, sizeof(names[0]), vx_cmp_str);
	}

	if (json)
		arr = json_array();
	else if (n == 0)
		printf("no interfaces attached\n");
	for (int i = 0; i < n; i++) {
		struct vx_status s;

		if (vx_status_get(names[i], &s) != 0) {
			/* Pins missing or unreadable (an attach that crashed
			 * half way): list it, so that it gets cleaned up. */
			if (json) {
				json_t *o = json_object();

				json_object_set_new(o, "interface", json_string(names[i]));
				json_object_set_new(o, "state", json_string("incomplete"));
				json_array_append_new(arr, o);
			} else {
				printf("%s: INCOMPLETE attachment (pins missing); "
				       "'vpnxdp detach %s' cleans up\n", names[i], names[i]);
			}
		} else if (json) {
			json_array_append_new(arr, vx_status_json(&s));
		} else {
			vx_status_text(&s);
		}
		free(names[i]);
	}
	if (json) {
		json_t *root = json_object();

		json_object_set_new(root, "interfaces", arr);
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(root);
	}
	return ret;
}
