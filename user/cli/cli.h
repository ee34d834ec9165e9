/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line: one table of commands (user/main.c), and per command a
 * table of options parsed by one parser into the command's own struct.
 * `--json`, `-v` and `--help` are the parser's, for every command: a
 * command says whether it takes --json and gets the answer in struct
 * vx_args.  Usage texts are made from the same tables, so an option cannot
 * be accepted without being documented or documented without being
 * accepted.  (The shape follows bpftool's command table and xdp-tools'
 * params.h.)
 */
#ifndef VX_CLI_H
#define VX_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum vx_opt_type {
	VX_OPT_FLAG,   /* --name: a bool set true */
	VX_OPT_STRING, /* --name VALUE: a const char * */
	VX_OPT_NUMBER, /* --name N: an unsigned int within [min, max] */
	VX_OPT_POW2,   /* --name N: as NUMBER, and a power of two */
	VX_OPT_CHOICE, /* --name WORD: an int, the index of WORD in choices */
};

struct vx_opt {
	const char *name;        /* long name, without the dashes */
	char short_name;         /* 0: none */
	enum vx_opt_type type;
	size_t offset;           /* of the field in the command's struct */
	const char *arg;         /* what the value is, for --help ("FILE") */
	const char *help;        /* one line for --help */
	/* NUMBER, POW2: the range, and what a number is ("milliseconds"),
	 * for the message that refuses one */
	unsigned long long min, max;
	const char *what;
	const char *const *choices; /* CHOICE: NULL-terminated */
};

/* Table entries, for the command's option struct type @T and its @field. */
#define VX_OPT_FLAG_OF(T, field, lng, shrt, hlp)                           \
	{ .name = lng, .short_name = shrt, .type = VX_OPT_FLAG,             \
	  .offset = offsetof(T, field), .help = hlp }
#define VX_OPT_STRING_OF(T, field, lng, shrt, argname, hlp)                \
	{ .name = lng, .short_name = shrt, .type = VX_OPT_STRING,           \
	  .offset = offsetof(T, field), .arg = argname, .help = hlp }
#define VX_OPT_NUMBER_OF(T, field, lng, shrt, argname, hlp, lo, hi, unit) \
	{ .name = lng, .short_name = shrt, .type = VX_OPT_NUMBER,           \
	  .offset = offsetof(T, field), .arg = argname, .help = hlp,        \
	  .min = lo, .max = hi, .what = unit }
#define VX_OPT_POW2_OF(T, field, lng, shrt, argname, hlp, lo, hi, unit)   \
	{ .name = lng, .short_name = shrt, .type = VX_OPT_POW2,             \
	  .offset = offsetof(T, field), .arg = argname, .help = hlp,        \
	  .min = lo, .max = hi, .what = unit }
#define VX_OPT_CHOICE_OF(T, field, lng, shrt, argname, hlp, words)        \
	{ .name = lng, .short_name = shrt, .type = VX_OPT_CHOICE,           \
	  .offset = offsetof(T, field), .arg = argname, .help = hlp,        \
	  .choices = words }
#define VX_OPT_END { .name = NULL }

/* --count N, for the commands that stream (top, events): stop after N
 * @things. */
#define VX_OPT_COUNT_OF(T, field, things)                                   \
	VX_OPT_NUMBER_OF(T, field, "count", 'c', "N", "stop after N " things, \
			 1, 1000000000, "a positive number")

/* In a struct vx_cmd: the option table @optv filling a struct @T. */
#define VX_CMD_OPTS(optv, T) .opts = optv, .opts_size = sizeof(T)

/* What a command's run() gets. */
struct vx_args {
	const struct vx_cmd *cmd;
	bool json;    /* --json given (only for commands that take it) */
	int npos;     /* positional arguments */
	char **pos;
	void *opts;   /* the command's option struct, parsed */
};

/* Checks the parser makes before run(), in this order (then cmd->caps). */
#define VX_CMD_JSON   0x1 /* takes --json */
#define VX_CMD_PRIV   0x2 /* uses bpf(2): the kernel must have it */
#define VX_CMD_BPFFS  0x4 /* needs bpffs at /sys/fs/bpf (mounted if not) */

#define VX_POS_ANY (-1)

struct vx_cmd {
	const char *name;
	int (*run)(const struct vx_args *a); /* returns an exit code */
	const struct vx_opt *opts;      /* NULL or ended by VX_OPT_END */
	size_t opts_size;               /* sizeof the option struct */
	const void *defaults;           /* initial option struct, or NULL */
	int min_pos, max_pos;           /* positional arguments (VX_POS_ANY) */
	int ifaces;                     /* leading positionals that are
					 * interface names (VX_POS_ANY: all) */
	unsigned int flags;             /* VX_CMD_* */
	unsigned long long caps;        /* capabilities run() needs
					 * (core/caps.h), checked first */
	const char *synopsis;           /* after "vpnxdp ", lines by '\n' */
	const char *help;               /* what it does, a few lines */
	const struct vx_cmd *const *subcmds; /* NULL-terminated, or NULL */
};

/* The whole command line: leading options (-v, --help, --version), then
 * the command of @cmds (NULL-terminated) it names.  Returns the exit
 * code. */
int vx_cli_main(const struct vx_cmd *const *cmds, const char *version,
		int argc, char **argv);

/* Find @argv[0] in @cmds, parse the rest of @argv for it and run it.
 * Returns the exit code. */
int vx_cli_dispatch(const struct vx_cmd *const *cmds, const char *parent,
		    int argc, char **argv);

/* Usage of @cmd (with its subcommands); @full adds the options. */
void vx_cli_usage(FILE *f, const struct vx_cmd *cmd, const char *parent,
		  bool full);

/* A syntactically valid interface name (it may no longer exist); prints
 * why not. */
bool vx_iface_name_ok(const char *ifname);

/* A syntactically valid interface name that exists: its ifindex, or 0
 * after printing why not. */
unsigned int vx_iface_index(const char *ifname);

/* A kernel with bpf(2); prints the reason and returns false without. */
bool vx_need_bpf(void);

/* A whole decimal number, nothing else; returns 0, or -1 when it is not. */
int vx_parse_u64(const char *s, unsigned long long *out);

#endif
