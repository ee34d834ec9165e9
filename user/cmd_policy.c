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

#include "vpnxdp_names.h"
#include "cli.h"
#include "log.h"
#include "pins.h"
#include "policy.h"
#include "policy_maps.h"

struct vx_pargs {
	const char *pos[2];
	int npos;
	bool json;
};

/* Positional arguments and --json, in any order. */
static int vx_pargs(int argc, char **argv, int want, struct vx_pargs *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			a->json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			vx_usage("policy", false);
			return 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			vx_err("policy %s: unknown option '%s'", argv[0], argv[i]);
			return -1;
		} else if (a->npos < 2) {
			a->pos[a->npos++] = argv[i];
		} else {
			a->npos = 3;
		}
	}
	if (a->npos != want) {
		vx_usage("policy", true);
		return -1;
	}
	return 0;
}

/* Open IFACE's pins; prints why not.  Returns an exit code or -1 (ok). */
static int vx_policy_open(const char *ifname, struct vx_pins *pins)
{
	int err;

	if (!vx_iface_name_ok(ifname))
		return VX_EXIT_INPUT;
	if (!vx_need_root() || vx_bpffs_ensure())
		return VX_EXIT_SYSTEM;
	err = vx_pins_open(pins, ifname);
	if (err)
		return err == -ENOENT ? VX_EXIT_INPUT : VX_EXIT_SYSTEM;
	return -1;
}

/*
 * The policy in force: its canonical JSON and generation.  Readers take no
 * lock; a slot is only ever written while it is idle, so a read is whole if
 * the generation did not change while it ran (else it is read again).
 */
static int vx_live_json(struct vx_pins *pins, char **json, struct vx_config *cfg)
{
	struct vx_config again;
	int err = 0;

	*json = NULL;
	for (int tries = 0; tries < 20; tries++) {
		free(*json);
		*json = NULL;
		err = vx_read_config(pins, cfg);
		if (!err)
			err = vx_store_read(pins->map_fd, cfg->slot & 1, json);
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

static int vx_live_policy(struct vx_pins *pins, struct vx_policy *pol,
			  struct vx_config *cfg)
{
	struct vx_diag d;
	char *json;
	int err;

	if (vx_live_json(pins, &json, cfg))
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

static int vx_policy_check(int argc, char **argv)
{
	struct vx_policy pol;
	struct vx_pargs a;
	int r = vx_pargs(argc, argv, 1, &a);
	size_t nrules = 0;

	if (r)
		return r > 0 ? VX_EXIT_OK : VX_EXIT_INPUT;
	if (vx_policy_load(a.pos[0], a.json, &pol))
		return VX_EXIT_INPUT;
	for (int c = 0; c < VX_MAX_CLASS; c++)
		nrules += pol.cls[c].nrules;
	printf("%s: valid (%zu rules, %zu prefixes, %zu signature lines)\n", a.pos[0],
	       nrules, pol.nprefixes, pol.nedits);
	vx_policy_free(&pol);
	return VX_EXIT_OK;
}

static int vx_policy_apply(int argc, char **argv)
{
	char *next = NULL, *live = NULL;
	struct vx_policy pol;
	struct vx_config cfg;
	struct vx_meta meta;
	struct vx_pins pins;
	struct vx_pargs a;
	int ret, err;
	__u32 zero = 0, idle;

	ret = vx_pargs(argc, argv, 2, &a);
	if (ret)
		return ret > 0 ? VX_EXIT_OK : VX_EXIT_INPUT;
	if (!vx_iface_name_ok(a.pos[0]))
		return VX_EXIT_INPUT;
	/* Validate before touching anything. */
	if (vx_policy_load(a.pos[1], a.json, &pol))
		return VX_EXIT_INPUT;
	next = vx_policy_to_json(&pol, 0, false);
	if (!next) {
		vx_err("out of memory");
		vx_policy_free(&pol);
		return VX_EXIT_SYSTEM;
	}
	ret = vx_policy_open(a.pos[0], &pins);
	if (ret >= 0) {
		free(next);
		vx_policy_free(&pol);
		return ret;
	}
	ret = VX_EXIT_SYSTEM;
	/* Concurrent pushes take turns: the second waits here (and says so),
	 * then judges "unchanged" against what the first one left. */
	err = vx_pins_lock(&pins);
	if (err) {
		vx_err("%s: cannot lock %s: %s", a.pos[0], pins.dir, strerror(-err));
		goto out;
	}
	if (vx_live_json(&pins, &live, &cfg) || vx_read_meta(&pins, &meta))
		goto out;
	if (strcmp(next, live) == 0) {
		printf("%s: policy unchanged (generation %u)\n", a.pos[0], cfg.generation);
		ret = VX_EXIT_OK;
		goto out;
	}
	idle = !(cfg.slot & 1);
	err = vx_policy_install(pins.map_fd, idle, &pol, next);
	if (!err)
		err = vx_slot_switch(pins.map_fd, idle, cfg.generation + 1);
	if (err) {
		vx_err("%s: cannot write the new policy: %s; the policy in force "
		       "is unchanged", a.pos[0], strerror(-err));
		goto out;
	}
	snprintf(meta.policy, sizeof(meta.policy), "%s", a.pos[1]);
	if (bpf_map_update_elem(pins.map_fd[VX_MAP_META], &zero, &meta, BPF_ANY))
		vx_warn("%s: policy applied, but its name was not recorded: %s",
			a.pos[0], strerror(errno));
	printf("%s: policy applied (generation %u)\n", a.pos[0], cfg.generation + 1);
	ret = VX_EXIT_OK;
out:
	free(next);
	free(live);
	vx_pins_close(&pins);
	vx_policy_free(&pol);
	return ret;
}

static int vx_policy_show(int argc, char **argv)
{
	struct vx_policy pol;
	struct vx_config cfg;
	struct vx_pins pins;
	struct vx_pargs a;
	int ret;

	ret = vx_pargs(argc, argv, 1, &a);
	if (ret)
		return ret > 0 ? VX_EXIT_OK : VX_EXIT_INPUT;
	ret = vx_policy_open(a.pos[0], &pins);
	if (ret >= 0)
		return ret;
	ret = vx_live_policy(&pins, &pol, &cfg);
	vx_pins_close(&pins);
	if (ret)
		return VX_EXIT_SYSTEM;
	if (a.json) {
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

/* The canonical text of @pol as an array of lines (pointers into *buf). */
static char **vx_lines(const struct vx_policy *pol, char **buf, size_t *n)
{
	size_t len = 0, cap = 64;
	FILE *f = open_memstream(buf, &len);
	char **l = malloc(cap * sizeof(*l)), *p;

	*n = 0;
	if (!f || !l || vx_policy_to_text(pol, 0, f)) {
		if (f)
			fclose(f);
		free(l);
		return NULL;
	}
	fclose(f);
	for (p = *buf; *p; ) {
		char *nl = strchr(p, '\n');

		if (*n == cap) {
			char **m = realloc(l, (cap *= 2) * sizeof(*l));

			if (!m) {
				free(l);
				return NULL;
			}
			l = m;
		}
		l[(*n)++] = p;
		if (!nl)
			break;
		*nl = 0;
		p = nl + 1;
	}
	return l;
}

static bool vx_is_sig(const char *l)
{
	return !strncmp(l, "signature ", 10);
}

static bool vx_of_class(const char *l, const char *cls)
{
	size_t n = strlen(cls);

	return !vx_is_sig(l) && !strncmp(l, cls, n) && l[n] == ' ';
}

/* Are the rule lines of @cls the same, in the same order, in both?  Rule
 * order matters, so a class that changed is shown whole. */
static bool vx_class_same(char **l1, size_t n1, char **l2, size_t n2,
			  const char *cls)
{
	size_t i = 0, k = 0;

	for (;;) {
		while (i < n1 && !vx_of_class(l1[i], cls))
			i++;
		while (k < n2 && !vx_of_class(l2[k], cls))
			k++;
		if (i == n1 || k == n2)
			return i == n1 && k == n2;
		if (strcmp(l1[i++], l2[k++]) != 0)
			return false;
	}
}

static int vx_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int vx_policy_diff(int argc, char **argv)
{
	struct vx_policy now, next;
	struct vx_config cfg;
	struct vx_pins pins;
	struct vx_pargs a;
	char *b1 = NULL, *b2 = NULL, **l1 = NULL, **l2 = NULL;
	size_t n1, n2, changes = 0;
	int ret;

	ret = vx_pargs(argc, argv, 2, &a);
	if (ret)
		return ret > 0 ? VX_EXIT_OK : VX_EXIT_INPUT;
	if (!vx_iface_name_ok(a.pos[0]))
		return VX_EXIT_INPUT;
	if (vx_policy_load(a.pos[1], a.json, &next))
		return VX_EXIT_INPUT;
	ret = vx_policy_open(a.pos[0], &pins);
	if (ret >= 0) {
		vx_policy_free(&next);
		return ret;
	}
	ret = vx_live_policy(&pins, &now, &cfg);
	vx_pins_close(&pins);
	if (ret) {
		vx_policy_free(&next);
		return VX_EXIT_SYSTEM;
	}
	ret = VX_EXIT_SYSTEM;
	l1 = vx_lines(&now, &b1, &n1);
	l2 = vx_lines(&next, &b2, &n2);
	if (!l1 || !l2)
		goto out;
	printf("--- %s (generation %u)\n+++ %s\n", a.pos[0], cfg.generation, a.pos[1]);
	for (int c = 0; c < VX_MAX_CLASS; c++) {
		const char *name = vx_class_name((unsigned int)c);

		if (!VX_CLASS_IS_VPN(c) || vx_class_same(l1, n1, l2, n2, name))
			continue;
		for (size_t i = 0; i < n1; i++)
			if (vx_of_class(l1[i], name))
				printf("-%s\n", l1[i]);
		for (size_t i = 0; i < n2; i++)
			if (vx_of_class(l2[i], name))
				printf("+%s\n", l2[i]);
		changes++;
	}
	/* Signature lines never overlap, so their order carries no meaning:
	 * compare them as sets. */
	qsort(l1, n1, sizeof(*l1), vx_strcmp);
	qsort(l2, n2, sizeof(*l2), vx_strcmp);
	for (size_t i = 0, k = 0; i < n1 || k < n2; ) {
		int c = i >= n1 ? 1 : k >= n2 ? -1 : strcmp(l1[i], l2[k]);

		if (c == 0) {
			i++;
			k++;
		} else if (c < 0) {
			if (vx_is_sig(l1[i])) {
				printf("-%s\n", l1[i]);
				changes++;
			}
			i++;
		} else {
			if (vx_is_sig(l2[k])) {
				printf("+%s\n", l2[k]);
				changes++;
			}
			k++;
		}
	}
	if (!changes)
		printf("# no changes: applying %s would leave generation %u in force\n",
		       a.pos[1], cfg.generation);
	ret = VX_EXIT_OK;
out:
	free(l1);
	free(l2);
	free(b1);
	free(b2);
	vx_policy_free(&now);
	vx_policy_free(&next);
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
	if (!strcmp(argv[1], "show"))
		return vx_policy_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "diff"))
		return vx_policy_diff(argc - 1, argv + 1);
	vx_err("policy: unknown subcommand '%s' (check, apply, show, diff)", argv[1]);
	return VX_EXIT_INPUT;
}
