// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp policy check|apply|show|diff
 *
 * A policy file is the whole policy: what it does not say is the default.
 * apply validates the file whole, builds it in the idle policy slot, and
 * flips the live slot in one map write; applying what is already in force
 * changes nothing.  The policy in force is read back from the maps (the
 * canonical JSON stored beside it, vx_store), never from a file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/caps.h"
#include "core/exit.h"
#include "core/liveness.h"
#include "core/log.h"
#include "core/pins.h"
#include "policy/maps.h"
#include "policy/policy.h"

/*
 * The policy in force: its canonical JSON and generation.  Readers take no
 * lock; a slot is only ever written while it is idle, so a read is whole if
 * the generation did not change while it ran (else it is read again).
 */
static int vx_in_force_json(struct vx_pins *pins, char **json, struct vx_config *cfg)
{
	struct vx_config again;
	int err = 0;

	*json = NULL;
	for (int tries = 0; tries < 20; tries++) {
		free(*json);
		*json = NULL;
		err = vx_read_config(pins, cfg);
		if (!err)
			err = vx_store_read(pins->skel, cfg->slot & 1, json);
		if (!err)
			err = vx_read_config(pins, &again);
		if (!err && again.generation == cfg->generation && again.slot == cfg->slot)
			break;
		if (!err)
			err = -EAGAIN;
	}
	if (err) {
		free(*json);
		*json = NULL;
	}
	if (err)
		vx_err("%s: cannot read the policy in force: %s", pins->ifname,
		       strerror(-err));
	return err;
}

static int vx_in_force(struct vx_pins *pins, struct vx_policy *pol,
		       struct vx_config *cfg)
{
	struct vx_diag d;
	char *json;
	int err;

	if (vx_in_force_json(pins, &json, cfg))
		return -1;
	vx_policy_init(pol);
	err = vx_policy_parse_json(pol, json, strlen(json), "<stored policy>", &d);
	free(json);
	if (err) {
		vx_diag_print(&d);
		vx_policy_free(pol);
	}
	return err;
}

static int vx_check_run(const struct vx_args *a)
{
	struct vx_policy pol;
	size_t nrules = 0;

	if (vx_policy_load(a->pos[0], a->json, &pol))
		return VX_EXIT_INPUT;
	for (int c = 0; c < VX_MAX_CLASS; c++)
		nrules += pol.cls[c].nrules;
	printf("%s: valid (%zu rules, %zu prefixes, %zu signature lines)\n", a->pos[0],
	       nrules, pol.nprefixes, pol.nedits);
	vx_policy_free(&pol);
	return VX_EXIT_OK;
}

/* Replace the policy in force on @pins with @pol (canonical JSON @next),
 * under the attachment's lock.  Returns an exit code. */
static int vx_apply_locked(struct vx_pins *pins, const struct vx_policy *pol,
			   const char *next, const char *label)
{
	struct vx_config cfg;
	char *live = NULL;
	__u32 idle;
	int ret = VX_EXIT_SYSTEM, err;

	if (vx_in_force_json(pins, &live, &cfg))
		goto out;
	if (strcmp(next, live) == 0) {
		printf("%s: policy unchanged (generation %u)\n", pins->ifname, cfg.generation);
		ret = VX_EXIT_OK;
		goto out;
	}
	idle = !(cfg.slot & 1);
	err = vx_policy_install(pins->skel, idle, pol, next);
	if (!err)
		err = vx_slot_switch(pins->skel, idle, cfg.generation + 1);
	if (err) {
		vx_err("%s: cannot write the new policy: %s%s; the policy in force "
		       "is unchanged", pins->ifname, strerror(-err),
		       vx_caps_hint(err, VX_CAPS(VX_CAP_BPF)));
		goto out;
	}
	snprintf(pins->meta.policy, sizeof(pins->meta.policy), "%s", label);
	err = vx_write_meta(pins, &pins->meta);
	if (err)
		vx_warn("%s: policy applied, but its name was not recorded: %s",
			pins->ifname, strerror(-err));
	printf("%s: policy applied (generation %u)\n", pins->ifname, cfg.generation + 1);
	ret = VX_EXIT_OK;
out:
	free(live);
	return ret;
}

/* A policy goes only to an attachment whose program is on its interface:
 * into the maps of one that is not, it would only look applied. */
static int vx_apply_live(const struct vx_pins *pins)
{
	struct vx_live l;

	vx_pins_state(pins, &l);
	if (l.st == VX_ST_LIVE)
		return 0;
	if (l.st == VX_ST_UNKNOWN)
		vx_err("%s: cannot tell whether its program is on the interface (%s); "
		       "nothing changed", pins->ifname, l.why);
	else
		vx_err("%s: not attached (%s: %s); nothing changed; 'vpnxdp detach %s' "
		       "cleans up", pins->ifname, vx_state_name(l.st), l.why, pins->ifname);
	return l.st == VX_ST_UNKNOWN ? VX_EXIT_SYSTEM : VX_EXIT_INPUT;
}

/* @pol (labelled @label) into the policy slot of IFACE. */
static int vx_apply_policy(const char *ifname, const struct vx_policy *pol,
			   const char *label)
{
	char *next = vx_policy_to_json(pol, 0, false);
	struct vx_pins pins;
	int ret = VX_EXIT_SYSTEM, err;

	if (!next) {
		vx_err("out of memory");
		return ret;
	}
	err = vx_pins_open(&pins, ifname);
	if (err) {
		free(next);
		return vx_pins_exit(err);
	}
	/* Concurrent pushes take turns: the second waits here (and says so),
	 * then judges "unchanged" against what the first one left. */
	err = vx_pins_lock(&pins);
	if (err)
		vx_err("%s: cannot lock its pins: %s", ifname, strerror(-err));
	else if (!(ret = vx_apply_live(&pins)))
		ret = vx_apply_locked(&pins, pol, next, label);
	vx_pins_close(&pins);
	free(next);
	return ret;
}

static int vx_apply_run(const struct vx_args *a)
{
	struct vx_policy pol;
	int ret;

	/* Validate before touching anything. */
	if (vx_policy_load(a->pos[1], a->json, &pol))
		return VX_EXIT_INPUT;
	ret = vx_apply_policy(a->pos[0], &pol, a->pos[1]);
	vx_policy_free(&pol);
	return ret;
}

/* The defaults, on purpose: what an empty file is refused for meaning. */
static int vx_reset_run(const struct vx_args *a)
{
	struct vx_policy pol;
	int ret;

	vx_policy_init(&pol);
	ret = vx_apply_policy(a->pos[0], &pol, "defaults");
	vx_policy_free(&pol);
	return ret;
}

static int vx_show_run(const struct vx_args *a)
{
	struct vx_policy pol;
	struct vx_config cfg;
	struct vx_pins pins;
	int ret;

	ret = vx_pins_open(&pins, a->pos[0]);
	if (ret)
		return vx_pins_exit(ret);
	ret = vx_in_force(&pins, &pol, &cfg);
	vx_pins_close(&pins);
	if (ret)
		return VX_EXIT_SYSTEM;
	if (a->json) {
		char *s = vx_policy_to_json(&pol, cfg.generation, true);

		ret = s ? VX_EXIT_OK : VX_EXIT_SYSTEM;
		if (s)
			printf("%s\n", s);
		free(s);
	} else {
		ret = vx_policy_to_text(&pol, cfg.generation, stdout) ? VX_EXIT_SYSTEM
								       : VX_EXIT_OK;
	}
	vx_policy_free(&pol);
	return ret;
}

static int vx_diff_run(const struct vx_args *a)
{
	struct vx_policy now, next;
	struct vx_config cfg;
	struct vx_pins pins;
	long changes;
	int ret;

	if (vx_policy_load(a->pos[1], a->json, &next))
		return VX_EXIT_INPUT;
	ret = vx_pins_open(&pins, a->pos[0]);
	if (ret) {
		vx_policy_free(&next);
		return vx_pins_exit(ret);
	}
	ret = vx_in_force(&pins, &now, &cfg);
	vx_pins_close(&pins);
	if (ret) {
		vx_policy_free(&next);
		return VX_EXIT_SYSTEM;
	}
	printf("--- %s (generation %u)\n+++ %s\n", a->pos[0], cfg.generation, a->pos[1]);
	changes = vx_policy_diff(stdout, &now, &next);
	if (changes == 0)
		printf("# no changes: applying %s would leave generation %u in force\n",
		       a->pos[1], cfg.generation);
	vx_policy_free(&now);
	vx_policy_free(&next);
	return changes < 0 ? VX_EXIT_SYSTEM : VX_EXIT_OK;
}

#define VX_POLICY_HELP \
	"    check: validate without touching the kernel. apply: replace the policy\n" \
	"    in force on IFACE, atomically (the same policy twice: 'unchanged');\n" \
	"    an empty file is refused. reset: back to the built-in defaults.\n" \
	"    show: the policy in force and its generation. diff: what apply would\n" \
	"    change. --json: FILE is JSON (a file starting with '{' always is);\n" \
	"    show prints JSON that apply reads back. FILE '-' is standard input.\n" \
	"    See vpnxdp-policy(5)."

static const struct vx_cmd vx_cmd_policy_check = {
	.name = "check", .run = vx_check_run,
	.min_pos = 1, .max_pos = 1, .flags = VX_CMD_JSON,
	.synopsis = "[--json] FILE", .help = VX_POLICY_HELP,
};

static const struct vx_cmd vx_cmd_policy_apply = {
	.name = "apply", .run = vx_apply_run,
	.min_pos = 2, .max_pos = 2, .ifaces = 1,
	.flags = VX_CMD_JSON | VX_CMD_PRIV | VX_CMD_BPFFS,
	/* a push makes new LPM tries (BPF_MAP_CREATE) */
	.caps = VX_CAPS(VX_CAP_BPF),
	.synopsis = "IFACE [--json] FILE", .help = VX_POLICY_HELP,
};

static const struct vx_cmd vx_cmd_policy_reset = {
	.name = "reset", .run = vx_reset_run,
	.min_pos = 1, .max_pos = 1, .ifaces = 1,
	.flags = VX_CMD_PRIV | VX_CMD_BPFFS,
	.caps = VX_CAPS(VX_CAP_BPF),
	.synopsis = "IFACE", .help = VX_POLICY_HELP,
};

static const struct vx_cmd vx_cmd_policy_show = {
	.name = "show", .run = vx_show_run,
	.min_pos = 1, .max_pos = 1, .ifaces = 1,
	.flags = VX_CMD_JSON | VX_CMD_PRIV | VX_CMD_BPFFS,
	.synopsis = "IFACE [--json]", .help = VX_POLICY_HELP,
};

static const struct vx_cmd vx_cmd_policy_diff = {
	.name = "diff", .run = vx_diff_run,
	.min_pos = 2, .max_pos = 2, .ifaces = 1,
	.flags = VX_CMD_JSON | VX_CMD_PRIV | VX_CMD_BPFFS,
	.synopsis = "IFACE [--json] FILE", .help = VX_POLICY_HELP,
};

static const struct vx_cmd *const vx_policy_subcmds[] = {
	&vx_cmd_policy_check, &vx_cmd_policy_apply, &vx_cmd_policy_reset,
	&vx_cmd_policy_show, &vx_cmd_policy_diff, NULL,
};

const struct vx_cmd vx_cmd_policy = {
	.name = "policy",
	.synopsis = "check|apply|reset|show|diff ...",
	.help = VX_POLICY_HELP,
	.subcmds = vx_policy_subcmds,
};
