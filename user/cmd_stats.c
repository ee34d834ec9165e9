// SPDX-License-Identifier: GPL-2.0
/* vpnxdp stats IFACE [--json]: cumulative per-class counters. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "vpnxdp_names.h"
#include "cli.h"
#include "counters.h"
#include "log.h"
#include "pins.h"

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
		/* how the packets were identified: "verified", "port", "payload" */
		for (int k = 0; k < VX_NCONF; k++)
			json_object_set_new(o, vx_conf_names[k],
					    json_integer((json_int_t)cnt[c].conf[k]));
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

static void vx_stats_text(const char *ifname, const struct vx_config *cfg,
			  const struct vx_counters *cnt)
{
	printf("%s (policy generation %u)\n", ifname, cfg->generation);
	printf("%-11s %12s %14s %10s %10s %10s %10s %10s %10s %10s %10s\n", "class",
	       "packets", "bytes", "dropped", "passed", "drop-rule", "drop-rate",
	       "denied", "verified", "port", "payload");
	for (int c = 0; c < VX_NCLASS; c++)
		printf("%-11s %12llu %14llu %10llu %10llu %10llu %10llu %10llu %10llu %10llu %10llu\n",
		       vx_class_name((unsigned int)c),
		       (unsigned long long)cnt[c].packets,
		       (unsigned long long)cnt[c].bytes,
		       (unsigned long long)cnt[c].dropped,
		       (unsigned long long)(cnt[c].packets - cnt[c].dropped),
		       (unsigned long long)cnt[c].drop_rule,
		       (unsigned long long)cnt[c].drop_rate,
		       (unsigned long long)cnt[c].drop_deny,
		       (unsigned long long)cnt[c].conf[VX_CONF_VERIFIED],
		       (unsigned long long)cnt[c].conf[VX_CONF_PORT],
		       (unsigned long long)cnt[c].conf[VX_CONF_PAYLOAD]);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct vx_counters cnt[VX_NCLASS];
	struct vx_config cfg;
	struct vx_pins pins;
	bool json = false;
	int c, err;

	while ((c = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			vx_usage("stats", false);
			return VX_EXIT_OK;
		default:
			vx_usage("stats", true);
			return VX_EXIT_INPUT;
		}
	}
	if (optind != argc - 1) {
		vx_usage("stats", true);
		return VX_EXIT_INPUT;
	}
	if (!vx_iface_name_ok(argv[optind]))
		return VX_EXIT_INPUT;
	if (!vx_need_root())
		return VX_EXIT_SYSTEM;
	if (vx_bpffs_ensure())
		return VX_EXIT_SYSTEM;
	err = vx_pins_open(&pins, argv[optind]);
	if (err)
		return err == -ENOENT ? VX_EXIT_INPUT : VX_EXIT_SYSTEM;
	err = vx_read_config(&pins, &cfg);
	if (!err)
		err = vx_counters_read(pins.map_fd[VX_MAP_COUNTERS], cnt);
	vx_pins_close(&pins);
	if (err) {
		vx_err("%s: cannot read counters: %s", argv[optind], strerror(-err));
		return VX_EXIT_SYSTEM;
	}
	if (json)
		return vx_stats_json(argv[optind], &cfg, cnt) ? VX_EXIT_SYSTEM : VX_EXIT_OK;
	vx_stats_text(argv[optind], &cfg, cnt);
	return VX_EXIT_OK;
}
