// SPDX-License-Identifier: GPL-2.0
/*
 * The one option parser of every command (cli.h).  Hand-written rather than
 * getopt_long: the option tables carry what getopt does not (where each
 * value goes, its range, the words it may be), and the usage text is made
 * from them.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#include "cli/cli.h"
#include "core/caps.h"
#include "core/exit.h"
#include "core/log.h"
#include "core/pins.h"

/* ------------------------------------------------------------ usage */

/* The synopsis of @cmd, every line led by @lead, "vpnxdp " and the parent
 * command (continuation lines, which start with a space, as they are). */
static void vx_synopsis(FILE *f, const struct vx_cmd *cmd, const char *parent,
			const char *lead)
{
	const char *p = cmd->synopsis;

	fprintf(f, "%svpnxdp %s%s%s%s", lead, parent ? parent : "",
		parent ? " " : "", cmd->name, *p && *p != '\n' ? " " : "");
	for (; *p; p++) {
		fputc(*p, f);
		if (*p == '\n' && p[1] && p[1] != ' ')
			fprintf(f, "%*svpnxdp %s%s", (int)strlen(lead), "",
				parent ? parent : "", parent ? " " : "");
	}
	fputc('\n', f);
}

static void vx_opt_usage(FILE *f, const char *lng, char shrt, const char *arg,
			 const char *help)
{
	char left[64];

	snprintf(left, sizeof(left), "%s%c%s--%s%s%s", shrt ? "-" : "",
		 shrt ? shrt : ' ', shrt ? ", " : "  ", lng, arg ? " " : "",
		 arg ? arg : "");
	fprintf(f, "    %-26s %s\n", left + (shrt ? 0 : 2), help);
}

static void vx_opts_usage(FILE *f, const struct vx_cmd *cmd)
{
	fprintf(f, "Options:\n");
	for (const struct vx_opt *o = cmd->opts; o && o->name; o++)
		vx_opt_usage(f, o->name, o->short_name,
			     o->type == VX_OPT_FLAG ? NULL : o->arg, o->help);
	if (cmd->flags & VX_CMD_JSON)
		vx_opt_usage(f, "json", 'j', NULL, "JSON output, for scripts");
	vx_opt_usage(f, "verbose", 'v', NULL,
		     "more messages (twice: libbpf's and libxdp's too)");
	vx_opt_usage(f, "help", 'h', NULL, "this text");
}

/* @cmd's synopsis (its subcommands' for a group), each first line led by
 * @lead, then what it does. */
static void vx_usage_lead(FILE *f, const struct vx_cmd *cmd, const char *parent,
			  const char *lead)
{
	char name[64];

	if (cmd->subcmds) {
		snprintf(name, sizeof(name), "%s%s%s", parent ? parent : "",
			 parent ? " " : "", cmd->name);
		for (int i = 0; cmd->subcmds[i]; i++)
			vx_synopsis(f, cmd->subcmds[i], name,
				    /* spaces as wide as @lead */
				    i ? "       " + (7 - strlen(lead)) : lead);
	} else {
		vx_synopsis(f, cmd, parent, lead);
	}
	if (cmd->help)
		fprintf(f, "%s\n", cmd->help);
}

void vx_cli_usage(FILE *f, const struct vx_cmd *cmd, const char *parent,
		  bool full)
{
	vx_usage_lead(f, cmd, parent, "Usage: ");
	if (full && !cmd->subcmds)
		vx_opts_usage(f, cmd);
}

/* ---------------------------------------------------------- parsing */

static const struct vx_opt *vx_opt_find(const struct vx_cmd *cmd,
					const char *arg, size_t n)
{
	for (const struct vx_opt *o = cmd->opts; o && o->name; o++) {
		if (arg[1] != '-' && n == 2 && o->short_name == arg[1])
			return o;
		if (arg[1] == '-' && strlen(o->name) == n - 2 &&
		    !strncmp(o->name, arg + 2, n - 2))
			return o;
	}
	return NULL;
}

static int vx_opt_number(const struct vx_cmd *cmd, const struct vx_opt *o,
			 const char *val, unsigned int *field)
{
	unsigned long long n;

	if (vx_parse_u64(val, &n) || n < o->min || n > o->max ||
	    (o->type == VX_OPT_POW2 && (n & (n - 1)))) {
		vx_err("%s: --%s takes %s, %s%llu to %llu, not '%s'", cmd->name,
		       o->name, o->what, o->type == VX_OPT_POW2 ? "a power of two from " : "",
		       o->min, o->max, val);
		return -1;
	}
	*field = (unsigned int)n;
	return 0;
}

static int vx_opt_choice(const struct vx_cmd *cmd, const struct vx_opt *o,
			 const char *val, int *field)
{
	char words[128] = "";
	int n = 0;

	for (; o->choices[n]; n++) {
		if (!strcmp(o->choices[n], val)) {
			*field = n;
			return 0;
		}
	}
	for (int i = 0; i < n; i++)
		snprintf(words + strlen(words), sizeof(words) - strlen(words),
			 "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ", o->choices[i]);
	vx_err("%s: unknown %s '%s' (%s)", cmd->name, o->name, val, words);
	return -1;
}

/* Store @val for @o in @opts.  Returns 0 or -1 (said). */
static int vx_opt_set(const struct vx_cmd *cmd, const struct vx_opt *o,
		      const char *val, void *opts)
{
	char *field = (char *)opts + o->offset;

	switch (o->type) {
	case VX_OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case VX_OPT_STRING:
		*(const char **)field = val;
		return 0;
	case VX_OPT_NUMBER:
	case VX_OPT_POW2:
		return vx_opt_number(cmd, o, val, (unsigned int *)field);
	case VX_OPT_CHOICE:
		return vx_opt_choice(cmd, o, val, (int *)field);
	}
	return -1;
}

/* One option at argv[*i] (a value may take the next argument). */
static int vx_opt_parse(const struct vx_cmd *cmd, int argc, char **argv,
			int *i, void *opts)
{
	const char *arg = argv[*i], *eq = strchr(arg, '=');
	size_t n = eq && arg[1] == '-' ? (size_t)(eq - arg) : strlen(arg);
	const struct vx_opt *o = vx_opt_find(cmd, arg, n);
	const char *val = NULL;

	if (!o) {
		vx_err("%s: unknown option '%s'", cmd->name, arg);
		return -1;
	}
	if (o->type != VX_OPT_FLAG) {
		if (eq && arg[1] == '-') {
			val = eq + 1;
		} else if (*i + 1 < argc) {
			val = argv[++*i];
		} else {
			vx_err("%s: --%s needs a value (%s)", cmd->name, o->name, o->arg);
			return -1;
		}
	} else if (eq && arg[1] == '-') {
		vx_err("%s: --%s takes no value", cmd->name, o->name);
		return -1;
	}
	return vx_opt_set(cmd, o, val, opts);
}

/* -v, -vv, --verbose: more messages.  Returns whether @arg was one. */
static bool vx_verbose_opt(const char *arg)
{
	if (strcmp(arg, "-vv") == 0)
		vx_verbose += 2;
	else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0)
		vx_verbose++;
	else
		return false;
	return true;
}

/* Not exit codes: parsing goes on. */
enum { VX_PARSED = -1, VX_TAKEN = -2 };

/* The common options: VX_TAKEN, VX_PARSED when @arg is none of them, or an
 * exit code (--help: done). */
static int vx_common_opt(const struct vx_cmd *cmd, const char *parent,
			 const char *arg, struct vx_args *a)
{
	if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
		vx_cli_usage(stdout, cmd, parent, true);
		return VX_EXIT_OK;
	}
	if (vx_verbose_opt(arg))
		return VX_TAKEN;
	if (!strcmp(arg, "-j") || !strcmp(arg, "--json")) {
		if (!(cmd->flags & VX_CMD_JSON)) {
			vx_err("%s: no JSON output (--json)", cmd->name);
			return VX_EXIT_INPUT;
		}
		a->json = true;
		return VX_TAKEN;
	}
	return VX_PARSED;
}

/* Every argument after the command's name into @a.  Returns VX_PARSED or
 * an exit code. */
static int vx_args_parse(const struct vx_cmd *cmd, const char *parent,
			 int argc, char **argv, struct vx_args *a)
{
	bool dashdash = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int r;

		if (dashdash || arg[0] != '-' || !arg[1]) {
			a->pos[a->npos++] = argv[i];
			continue;
		}
		if (!strcmp(arg, "--")) {
			dashdash = true;
			continue;
		}
		r = vx_common_opt(cmd, parent, arg, a);
		if (r == VX_TAKEN)
			continue;
		if (r != VX_PARSED)
			return r;
		if (vx_opt_parse(cmd, argc, argv, &i, a->opts)) {
			vx_cli_usage(stderr, cmd, parent, false);
			return VX_EXIT_INPUT;
		}
	}
	if (a->npos < cmd->min_pos ||
	    (cmd->max_pos != VX_POS_ANY && a->npos > cmd->max_pos)) {
		vx_cli_usage(stderr, cmd, parent, false);
		return VX_EXIT_INPUT;
	}
	return VX_PARSED;
}

/* The checks of cmd->flags, ifaces and caps, then run(). */
static int vx_cmd_run(const struct vx_cmd *cmd, const char *parent,
		      const struct vx_args *a)
{
	int nif = cmd->ifaces == VX_POS_ANY ? a->npos : cmd->ifaces;
	char name[64];

	for (int k = 0; k < nif && k < a->npos; k++)
		if (!vx_iface_name_ok(a->pos[k]))
			return VX_EXIT_INPUT;
	if ((cmd->flags & VX_CMD_PRIV) && !vx_need_bpf())
		return VX_EXIT_SYSTEM;
	snprintf(name, sizeof(name), "%s%s%s", parent ? parent : "", parent ? " " : "",
		 cmd->name);
	if (cmd->caps && !vx_caps_need(name, cmd->caps, NULL))
		return VX_EXIT_SYSTEM;
	if ((cmd->flags & VX_CMD_BPFFS) && vx_bpffs_ensure())
		return VX_EXIT_SYSTEM;
	return cmd->run(a);
}

static int vx_cli_run(const struct vx_cmd *cmd, const char *parent, int argc,
		      char **argv)
{
	struct vx_args a = { .cmd = cmd };
	int ret;

	if (cmd->subcmds) {
		char name[64];

		if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
			vx_cli_usage(stdout, cmd, parent, true);
			return VX_EXIT_OK;
		}
		if (argc < 2) {
			vx_cli_usage(stderr, cmd, parent, false);
			return VX_EXIT_INPUT;
		}
		snprintf(name, sizeof(name), "%s", cmd->name);
		return vx_cli_dispatch(cmd->subcmds, name, argc - 1, argv + 1);
	}
	a.pos = calloc((size_t)argc, sizeof(*a.pos));
	a.opts = calloc(1, cmd->opts_size ? cmd->opts_size : 1);
	if (!a.pos || !a.opts) {
		vx_err("out of memory");
		ret = VX_EXIT_SYSTEM;
		goto out;
	}
	if (cmd->defaults)
		memcpy(a.opts, cmd->defaults, cmd->opts_size);
	ret = vx_args_parse(cmd, parent, argc, argv, &a);
	if (ret == VX_PARSED)
		ret = vx_cmd_run(cmd, parent, &a);
out:
	free(a.pos);
	free(a.opts);
	return ret;
}

int vx_cli_dispatch(const struct vx_cmd *const *cmds, const char *parent,
		    int argc, char **argv)
{
	for (int c = 0; cmds[c]; c++)
		if (!strcmp(argv[0], cmds[c]->name))
			return vx_cli_run(cmds[c], parent, argc, argv);
	if (parent) {
		vx_err("%s: unknown subcommand '%s'; 'vpnxdp %s --help' lists them",
		       parent, argv[0], parent);
	} else {
		vx_err("unknown command '%s'; 'vpnxdp --help' lists them", argv[0]);
	}
	return VX_EXIT_INPUT;
}

static void vx_main_usage(FILE *f, const struct vx_cmd *const *cmds)
{
	fprintf(f, "Usage: vpnxdp [-v] COMMAND [ARGS]\n\nCommands:\n");
	for (int i = 0; cmds[i]; i++)
		vx_usage_lead(f, cmds[i], NULL, "  ");
	fprintf(f, "\nOptions: -v more messages (twice: libbpf/libxdp debug), "
		   "--version, --help;\n'vpnxdp COMMAND --help' lists a command's options.\n"
		   "Exit status: 0 done or nothing to do, 1 bad input (nothing "
		   "changed), 2 system error.\nSee vpnxdp(8).\n");
}

int vx_cli_main(const struct vx_cmd *const *cmds, const char *version,
		int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (vx_verbose_opt(argv[i]))
			continue;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			vx_main_usage(stdout, cmds);
			return VX_EXIT_OK;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("vpnxdp %s\n", version);
			return VX_EXIT_OK;
		}
		vx_err("unknown option '%s'", argv[i]);
		vx_main_usage(stderr, cmds);
		return VX_EXIT_INPUT;
	}
	if (i >= argc) {
		vx_main_usage(stderr, cmds);
		return VX_EXIT_INPUT;
	}
	if (!strcmp(argv[i], "help")) {
		vx_main_usage(stdout, cmds);
		return VX_EXIT_OK;
	}
	vx_log_setup_libs();
	return vx_cli_dispatch(cmds, NULL, argc - i, argv + i);
}

/* ----------------------------------------------------- common checks */

bool vx_need_bpf(void)
{
	/* BPF_PROG_LOAD with no attributes: EINVAL/EFAULT means bpf(2)
	 * exists; ENOSYS means the kernel was built without it. */
	if (syscall(__NR_bpf, -1, NULL, 0) < 0 && errno == ENOSYS) {
		vx_err("this kernel has no bpf(2) system call (CONFIG_BPF_SYSCALL)");
		return false;
	}
	return true;
}

bool vx_iface_name_ok(const char *ifname)
{
	size_t n = strlen(ifname);
	bool ok = n > 0 && n < IF_NAMESIZE && !strchr(ifname, '/') &&
		  strcmp(ifname, ".") != 0 && strcmp(ifname, "..") != 0;

	for (size_t i = 0; ok && i < n; i++)
		if (ifname[i] <= ' ' || ifname[i] == ':' || (unsigned char)ifname[i] >= 0x7f)
			ok = false;
	if (!ok)
		vx_err("'%s' is not a valid interface name", ifname);
	return ok;
}

unsigned int vx_iface_index(const char *ifname)
{
	unsigned int idx;

	if (!vx_iface_name_ok(ifname))
		return 0;
	idx = if_nametoindex(ifname);
	if (!idx)
		vx_err("%s: no such interface", ifname);
	return idx;
}

int vx_parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}
