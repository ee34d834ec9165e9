// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp export [--listen ADDR:PORT] [--textfile PATH] [IFACE...]
 *
 * Prometheus metrics of the attachments, read from their pins on every
 * scrape (user/export/: collect, render, serve): over HTTP on
 * 127.0.0.1:18760 by default, or written once to PATH for node_exporter's
 * textfile collector.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/cli.h"
#include "cmd/cmd.h"
#include "core/exit.h"
#include "core/log.h"
#include "export/collect.h"
#include "export/http.h"
#include "export/metrics.h"
#include "export/textfile.h"

struct vx_export_opts {
	const char *listen;
	const char *textfile;
};

/* One scrape: the exposition, malloc'd, or NULL (said why). */
static char *vx_export_body(void *ctx, const unsigned long long *http, size_t *len)
{
	struct vx_exp_src *src = ctx;
	struct vx_exp_snap snap;
	char *buf = NULL;
	FILE *f;

	*len = 0;
	if (vx_exp_collect(src, &snap) != 0) {
		vx_err("export: out of memory reading the counters");
		return NULL;
	}
	snap.http = http;
	f = open_memstream(&buf, len);
	if (f) {
		vx_exp_render(f, &snap);
		if (ferror(f)) {
			fclose(f);
			free(buf);
			buf = NULL;
		} else if (fclose(f) != 0) {
			free(buf);
			buf = NULL;
		}
	}
	vx_exp_snap_free(&snap);
	if (!buf)
		vx_err("export: out of memory rendering the metrics");
	return buf;
}

static int vx_export_textfile(struct vx_exp_src *src, const char *path)
{
	size_t len = strlen(path);
	char *body;
	int err;

	if (len < 5 || strcmp(path + len - 5, ".prom") != 0)
		vx_warn("export: %s: node_exporter's textfile collector reads only "
			"files named *.prom", path);
	body = vx_export_body(src, NULL, &len);
	if (!body)
		return VX_EXIT_SYSTEM;
	err = vx_textfile_write(path, body, len);
	free(body);
	return err ? VX_EXIT_SYSTEM : VX_EXIT_OK;
}

/* The interfaces named: each once (a name twice would export its series
 * twice, which Prometheus rejects). */
static bool vx_export_names_ok(const struct vx_args *a)
{
	if (a->npos > VX_EXP_MAX) {
		vx_err("export: at most %d interfaces", VX_EXP_MAX);
		return false;
	}
	for (int i = 0; i < a->npos; i++)
		for (int k = 0; k < i; k++)
			if (!strcmp(a->pos[i], a->pos[k])) {
				vx_err("export: interface '%s' named twice", a->pos[i]);
				return false;
			}
	return true;
}

static int vx_export_run(const struct vx_args *a)
{
	const struct vx_export_opts *o = a->opts;
	const char *listen_spec = o->listen ? o->listen : VX_EXPORT_LISTEN;
	struct sockaddr_storage ss;
	struct vx_exp_src *src;
	socklen_t sl;
	int ret;

	if (o->listen && o->textfile) {
		vx_err("export: --listen serves over HTTP, --textfile writes a file: "
		       "one or the other");
		return VX_EXIT_INPUT;
	}
	if (!o->textfile && vx_http_parse_listen(listen_spec, &ss, &sl)) {
		vx_err("export: --listen '%s': want ADDR:PORT or [ADDR6]:PORT, a numeric "
		       "address and a port from 1 to 65535", listen_spec);
		return VX_EXIT_INPUT;
	}
	if (!vx_export_names_ok(a))
		return VX_EXIT_INPUT;
	src = calloc(1, sizeof(*src));
	if (!src) {
		vx_err("out of memory");
		return VX_EXIT_SYSTEM;
	}
	src->names = a->pos;
	src->nnames = a->npos;
	if (o->textfile)
		ret = vx_export_textfile(src, o->textfile);
	else
		ret = vx_http_serve(listen_spec, vx_export_body, src);
	free(src);
	return ret;
}

#define VX_O struct vx_export_opts
static const struct vx_opt vx_export_optv[] = {
	VX_OPT_STRING_OF(VX_O, listen, "listen", 'l', "ADDR:PORT",
			 "serve on ADDR:PORT, [ADDR6]:PORT for IPv6 (default " VX_EXPORT_LISTEN ")"),
	VX_OPT_STRING_OF(VX_O, textfile, "textfile", 't', "PATH",
			 "write the metrics to PATH atomically, once, instead of serving"),
	VX_OPT_END,
};
#undef VX_O

const struct vx_cmd vx_cmd_export = {
	.name = "export",
	.run = vx_export_run,
	VX_CMD_OPTS(vx_export_optv, struct vx_export_opts),
	.min_pos = 0, .max_pos = VX_POS_ANY, .ifaces = VX_POS_ANY,
	.flags = VX_CMD_PRIV,
	.synopsis = "[--listen ADDR:PORT] [--textfile PATH] [IFACE...]",
	.help = "    Prometheus metrics of every attachment (or of the IFACEs named, each\n"
		"    reported even when not attached), read from the pins on every scrape:\n"
		"    served over HTTP at /metrics until SIGTERM, or written to a file once.",
};
