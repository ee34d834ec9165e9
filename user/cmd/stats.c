// SPDX-License-Identifier: GPL-2.0
/* vpnxdp stats IFACE [--json]: cumulative per-class counters. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/counters.h"
#include "core/exit.h"
#include "core/log.h"
#include "core/names.h"
#include "core/pins.h"

/* packets by outermost encapsulation: {"none": n, "vxlan": n, ...} */
static json_t *vx_stats_encap_json(const struct vx_counters *c)
{
	json_t *o = json_object();

	for (int k = 0; k < VX_NENC; k++)
		json_object_set_new(o, vx_encap_names[k],
				    json_integer((json_int_t)c->encap[k]));
	return o;
}

static int vx_stats_json(const char *ifname, const struct vx_config *cfg,
			 const struct vx_counters *cnt)
{
	json_t *root = json_object(), *protos = json_object();

	json_object_set_new(root, "interface", json_string(ifname));
	json_object_set_new(root, "generation", json_integer(cfg->generation));
	for (int c = 0; c < VX_NCLASS; c++) {
		json_t *o = json_object();

		json_object_set_new(o, "packets", json_integer((json_int_t)cnt[c].packets));
		json_object_set_new(o, "bytes", json_integer((json_int_t)cnt[c].bytes));
		json_object_set_new(o, "dropped", json_integer((json_int_t)cnt[c].dropped));
		/* Where the policy sent them (vpnxdp-policy(5)). */
		json_object_set_new(o, "passed",
				    json_integer((json_int_t)(cnt[c].packets - cnt[c].dropped)));
		json_object_set_new(o, "drop_rule", json_integer((json_int_t)cnt[c].drop_rule));
		json_object_set_new(o, "drop_rate", json_integer((json_int_t)cnt[c].drop_rate));
		json_object_set_new(o, "drop_deny", json_integer((json_int_t)cnt[c].drop_deny));
		/* how the packets were identified: "verified", "port", "payload",
		 * "flow", "heuristic" */
		for (int k = 0; k < VX_NCONF; k++)
			json_object_set_new(o, vx_conf_names[k],
					    json_integer((json_int_t)cnt[c].conf[k]));
		json_object_set_new(o, "encap", vx_stats_encap_json(&cnt[c]));
		json_object_set_new(protos, vx_class_name((unsigned int)c), o);
	}
	json_object_set_new(root, "protocols", protos);
	if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
		json_decref(root);
		return -1;
	}
	putchar('\n');
	json_decref(root);
	return 0;
}

/* The confidence columns, in the order the table has always had them
 * ("verified" before "port"): one list for the header and the rows, so a
 * new confidence is one entry here. */
static const int vx_stats_conf_cols[] = { VX_CONF_VERIFIED, VX_CONF_PORT,
					  VX_CONF_PAYLOAD, VX_CONF_FLOW,
					  VX_CONF_HEURISTIC };
#define VX_STATS_NCONF_COLS \
	(sizeof(vx_stats_conf_cols) / sizeof(vx_stats_conf_cols[0]))
_Static_assert(VX_STATS_NCONF_COLS == VX_NCONF, "every confidence has a column");

/* Packets by outermost encapsulation, for the classes that had any
 * tunnelled packet (a second table: most links have none). */
static void vx_stats_encap_text(const struct vx_counters *cnt)
{
	int any = 0;

	for (int c = 0; c < VX_NCLASS; c++)
		if (cnt[c].packets != cnt[c].encap[VX_ENC_NONE])
			any = 1;
	if (!any)
		return;
	printf("\n%-11s", "encap");
	for (int k = 0; k < VX_NENC; k++)
		printf(" %10s", vx_encap_names[k]);
	putchar('\n');
	for (int c = 0; c < VX_NCLASS; c++) {
		if (cnt[c].packets == cnt[c].encap[VX_ENC_NONE])
			continue;
		printf("%-11s", vx_class_name((unsigned int)c));
		for (int k = 0; k < VX_NENC; k++)
			printf(" %10llu", (unsigned long long)cnt[c].encap[k]);
		putchar('\n');
	}
}

static void vx_stats_text(const char *ifname, const struct vx_config *cfg,
			  const struct vx_counters *cnt)
{
	printf("%s (policy generation %u)\n", ifname, cfg->generation);
	printf("%-11s %12s %14s %10s %10s %10s %10s %10s", "class", "packets",
	       "bytes", "dropped", "passed", "drop-rule", "drop-rate", "denied");
	for (size_t k = 0; k < VX_STATS_NCONF_COLS; k++)
		printf(" %10s", vx_conf_names[vx_stats_conf_cols[k]]);
	putchar('\n');
	for (int c = 0; c < VX_NCLASS; c++) {
		printf("%-11s %12llu %14llu %10llu %10llu %10llu %10llu %10llu",
		       vx_class_name((unsigned int)c),
		       (unsigned long long)cnt[c].packets,
		       (unsigned long long)cnt[c].bytes,
		       (unsigned long long)cnt[c].dropped,
		       (unsigned long long)(cnt[c].packets - cnt[c].dropped),
		       (unsigned long long)cnt[c].drop_rule,
		       (unsigned long long)cnt[c].drop_rate,
		       (unsigned long long)cnt[c].drop_deny);
		for (size_t k = 0; k < VX_STATS_NCONF_COLS; k++)
			printf(" %10llu",
			       (unsigned long long)cnt[c].conf[vx_stats_conf_cols[k]]);
		putchar('\n');
	}
	vx_stats_encap_text(cnt);
}

static int vx_stats_run(const struct vx_args *a)
{
	struct vx_counters cnt[VX_NCLASS];
	struct vx_config cfg;
	struct vx_pins pins;
	int err;

	err = vx_pins_open(&pins, a->pos[0]);
	if (err)
		return vx_pins_exit(err);
	err = vx_read_config(&pins, &cfg);
	if (!err)
		err = vx_counters_read(vx_pins_fd(&pins, vx_counters), cnt);
	vx_pins_close(&pins);
	if (err) {
		vx_err("%s: cannot read counters: %s", a->pos[0], strerror(-err));
		return VX_EXIT_SYSTEM;
	}
	if (a->json)
		return vx_stats_json(a->pos[0], &cfg, cnt) ? VX_EXIT_SYSTEM : VX_EXIT_OK;
	vx_stats_text(a->pos[0], &cfg, cnt);
	return VX_EXIT_OK;
}

const struct vx_cmd vx_cmd_stats = {
	.name = "stats",
	.run = vx_stats_run,
	.min_pos = 1, .max_pos = 1, .ifaces = 1,
	.flags = VX_CMD_JSON | VX_CMD_PRIV | VX_CMD_BPFFS,
	.synopsis = "IFACE [--json]",
	.help = "    Cumulative per-class counters: packets, bytes, dropped; what the policy\n"
		"    did (passed, dropped by rule, by rate limit, denied by allow-list); and\n"
		"    packets by confidence (verified, port only, payload only); and, where\n"
		"    any came through a tunnel, packets by outermost encapsulation.",
};
