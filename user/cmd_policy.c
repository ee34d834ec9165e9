// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp policy check FILE | apply IFACE FILE
 *
 * A policy file is the whole policy: what it does not say is the default.
 * apply validates the file whole, builds it in the idle policy slot, and
 * flips the live slot in one map write.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "log.h"
#include "pins.h"
#include "policy.h"
#include "policy_maps.h"

/* Load FILE on top of the defaults.  Returns 0 or prints why not. */
static int vx_policy_load(const char *file, struct vx_policy *pol)
{
	struct vx_diag d;
	char *buf, err[300];
	size_t len;
	int ret;

	vx_policy_init(pol);
	if (vx_read_file(file, &buf, &len, err, sizeof(err))) {
		vx_err("%s", err);
		vx_policy_free(pol);
		return -1;
	}
	ret = vx_policy_parse_text(pol, buf, len,
				   strcmp(file, "-") ? file : "<stdin>", &d);
	free(buf);
	if (ret) {
		vx_diag_print(&d);
		vx_policy_free(pol);
	}
	return ret;
}

static int vx_policy_check(int argc, char **argv)
{
	struct vx_policy pol;

	if (argc != 2) {
		vx_usage("policy", true);
		return VX_EXIT_INPUT;
	}
	if (vx_policy_load(argv[1], &pol))
		return VX_EXIT_INPUT;
	vx_policy_free(&pol);
	printf("%s: valid\n", argv[1]);
	return VX_EXIT_OK;
}

static int vx_policy_apply(int argc, char **argv)
{
	struct vx_compiled *next = NULL, *live = NULL;
	const char *ifname, *file;
	struct vx_policy pol;
	struct vx_config cfg;
	struct vx_meta meta;
	struct vx_pins pins;
	int ret = VX_EXIT_SYSTEM, err;
	__u32 zero = 0;

	if (argc != 3) {
		vx_usage("policy", true);
		return VX_EXIT_INPUT;
	}
	ifname = argv[1];
	file = argv[2];
	if (!vx_iface_name_ok(ifname))
		return VX_EXIT_INPUT;
	/* Validate before touching anything. */
	if (vx_policy_load(file, &pol))
		return VX_EXIT_INPUT;
	if (!vx_need_root() || vx_bpffs_ensure()) {
		vx_policy_free(&pol);
		return VX_EXIT_SYSTEM;
	}
	err = vx_pins_open(&pins, ifname);
	if (err) {
		vx_policy_free(&pol);
		return err == -ENOENT ? VX_EXIT_INPUT : VX_EXIT_SYSTEM;
	}
	err = vx_pins_lock(&pins);
	if (err) {
		vx_err("%s: cannot lock %s: %s", ifname, pins.dir, strerror(-err));
		goto out;
	}
	next = malloc(sizeof(*next));
	live = malloc(sizeof(*live));
	if (!next || !live) {
		vx_err("out of memory");
		goto out;
	}
	vx_policy_compile(&pol, next);
	err = vx_read_config(&pins, &cfg);
	if (!err)
		err = vx_slot_read(pins.map_fd, cfg.slot & 1, live);
	if (!err)
		err = vx_read_meta(&pins, &meta);
	if (err) {
		vx_err("%s: cannot read the policy in force: %s", ifname,
		       strerror(-err));
		goto out;
	}
	if (memcmp(next, live, sizeof(*next)) == 0) {
		printf("%s: policy unchanged (generation %u)\n", ifname,
		       cfg.generation);
		ret = VX_EXIT_OK;
		goto out;
	}
	err = vx_slot_write(pins.map_fd, !(cfg.slot & 1), next);
	if (!err)
		err = vx_slot_switch(pins.map_fd, !(cfg.slot & 1), cfg.generation + 1);
	if (err) {
		vx_err("%s: cannot write the new policy: %s; the policy in force "
		       "is unchanged", ifname, strerror(-err));
		goto out;
	}
	snprintf(meta.policy, sizeof(meta.policy), "%s", file);
	if (bpf_map_update_elem(pins.map_fd[VX_MAP_META], &zero, &meta, BPF_ANY))
		vx_warn("%s: policy applied, but its name was not recorded: %s",
			ifname, strerror(errno));
	printf("%s: policy applied (generation %u)\n", ifname, cfg.generation + 1);
	ret = VX_EXIT_OK;
out:
	free(next);
	free(live);
	vx_pins_close(&pins);
	vx_policy_free(&pol);
	return ret;
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2) {
		vx_usage("policy", true);
		return VX_EXIT_INPUT;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		vx_usage("policy", false);
		return VX_EXIT_OK;
	}
	if (!strcmp(argv[1], "check"))
		return vx_policy_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "apply"))
		return vx_policy_apply(argc - 1, argv + 1);
	vx_err("policy: unknown subcommand '%s' (check, apply)", argv[1]);
	return VX_EXIT_INPUT;
}
