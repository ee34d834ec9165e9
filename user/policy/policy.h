/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy model, vpnxdp-policy(5): per class an ordered rule list (first
 * match wins; a rule is an action with optional source prefixes and an
 * optional per-source rate limit), class switches, and signature edits on top
 * of the built-in signatures.  Its compiled form is the exact contents of one
 * policy slot in the XDP program's maps.
 *
 * Both file forms (policy/text.c, policy/json.c) build the model through the
 * checks here, so they accept exactly the same policies.
 */
#ifndef VX_POLICY_H
#define VX_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#include "vpnxdp_common.h"

/* Limits, documented in vpnxdp-policy(5). */
#define VX_NHEUR 1                /* heuristics (VX_HEUR_*) */
#define VX_MAX_SIGNATURES 131072u /* signature lines per policy */
#define VX_MAX_RATE 1000000000u   /* packets/s and burst */
#define VX_MAX_FILE (256u << 20)  /* bytes of policy file */

/* Transport of a signature: a UDP or TCP port range, or an IP protocol. */
enum vx_sig_kind {
	VX_SK_UDP = VX_L4_UDP,
	VX_SK_TCP = VX_L4_TCP,
	VX_SK_IP,
	VX_NSK,
};

struct vx_sigdef {
	__u8 cls;       /* enum vx_class */
	__u8 kind;      /* enum vx_sig_kind */
	__u8 flags;     /* VX_SIG_* */
	bool enabled;   /* a disabled signature is known but matches nothing */
	__u16 lo, hi;   /* port range, or lo = IP protocol */
};

/* What a signature line does. */
enum vx_sig_state {
	VX_SS_ENABLE = 0, /* add it, or turn a built-in one on */
	VX_SS_DISABLE,    /* keep it known but matching nothing */
	VX_SS_REMOVE,     /* forget a built-in signature */
	VX_NSS,
};

struct vx_sigedit {
	__u8 cls, kind, state;
	__u16 lo, hi;
	int where; /* line (text) or array index (JSON), for messages */
};

struct vx_prefix {
	__u8 ipver; /* 4 or 6 */
	__u8 len;
	__u8 addr[16];
};

struct vx_ruledef {
	__u8 action;   /* enum vx_action */
	__u32 rate;    /* packets per second; 0 = no limit */
	__u32 burst;   /* packets */
	struct vx_prefix *pfx; /* none = any source */
	size_t npfx, cap;
	int where;
};

struct vx_classdef {
	bool disabled;
	int disabled_where;
	unsigned int nrules;
	struct vx_ruledef rules[VX_MAX_RULES];
};

struct vx_policy {
	struct vx_sigdef *sigs;     /* built-in signatures */
	size_t nsigs, cap;
	struct vx_sigedit *edits;   /* what the policy says about signatures */
	size_t nedits, ecap;
	int *port_owner;            /* [VX_NSK * 65536]: edit index + 1 */
	struct vx_classdef cls[VX_MAX_CLASS];
	size_t nprefixes;
	__u8 heur;                  /* VX_HEUR_* turned on */
	int heur_where[VX_NHEUR];   /* per switch: line or index that set it
				     * (0: not set), for messages */
};

/* Exactly what one slot of the maps holds. */
struct vx_compiled {
	struct vx_sig sigs[VX_NL4][VX_SIG_PORTS];
	__u8 protos[256];
	struct vx_class_rules rules[VX_MAX_CLASS];
	__u8 heur; /* VX_HEUR_* (vx_config.heur of the slot) */
};

/* A parse error: where and why.  JSON errors name a path instead of a
 * column when the JSON itself was well-formed. */
struct vx_diag {
	char file[128];
	int line, col;
	char path[256];
	char msg[256];
};

void vx_policy_init(struct vx_policy *pol);           /* defaults */
void vx_policy_free(struct vx_policy *pol);
int vx_policy_add_sig(struct vx_policy *pol, const struct vx_sigdef *sd);
void vx_policy_compile(const struct vx_policy *pol, struct vx_compiled *out);

/* Model building, shared by both parsers.  Each returns 0, or -1 with a
 * reason in @msg. */
int vx_policy_class_disable(struct vx_policy *pol, int cls, int where,
			    char *msg, size_t msglen);
/* Takes ownership of r->pfx, also on failure. */
int vx_policy_add_rule(struct vx_policy *pol, int cls, struct vx_ruledef *r,
		       char *msg, size_t msglen);
int vx_policy_sig_edit(struct vx_policy *pol, const struct vx_sigedit *e,
		       char *msg, size_t msglen);
/* Add a prefix to a rule under construction (counts against the limit). */
int vx_rule_add_prefix(struct vx_policy *pol, struct vx_ruledef *r,
		       const struct vx_prefix *p, char *msg, size_t msglen);
void vx_ruledef_free(struct vx_ruledef *r);

/* Heuristics by name: vx_heur_names[i] is switch bit 1 << i (VX_HEUR_*). */
extern const char *const vx_heur_names[VX_NHEUR];
/* The index of heuristic @name, or -1. */
int vx_heur_parse(const char *name);
/* Turn heuristic @idx on or off; each may be set once per policy. */
int vx_policy_heuristic(struct vx_policy *pol, int idx, bool on, int where,
			char *msg, size_t msglen);

/* "198.51.100.0/24", "2001:db8::/32", or an address (a host prefix). */
int vx_prefix_parse(const char *s, struct vx_prefix *out, char *msg,
		    size_t msglen);
void vx_prefix_format(const struct vx_prefix *p, char *buf, size_t len);
int vx_sig_kind_parse(const char *s);
extern const char *const vx_sig_kind_names[VX_NSK];
extern const char *const vx_sig_state_names[VX_NSS];

/* Parse the text form in @buf (not NUL-terminated, @len bytes) on top of
 * @pol.  Returns 0, or -1 with @diag filled. */
int vx_policy_parse_text(struct vx_policy *pol, const char *buf, size_t len,
			 const char *fname, struct vx_diag *diag);
/* The same for the JSON form. */
int vx_policy_parse_json(struct vx_policy *pol, const char *buf, size_t len,
			 const char *fname, struct vx_diag *diag);

/* Canonical forms: the same model always prints the same bytes, and each
 * parses back into the same model.  The JSON string is malloc'd; @generation
 * 0 leaves the generation out (what is stored and compared). */
char *vx_policy_to_json(const struct vx_policy *pol, __u32 generation,
			bool pretty);
int vx_policy_to_text(const struct vx_policy *pol, __u32 generation, FILE *f);

/* Indexes of pol->edits in canonical order (transport, port); malloc'd. */
size_t *vx_policy_edit_order(const struct vx_policy *pol);

/* Read a whole file ("-" = standard input) into a malloc'd buffer. */
int vx_read_file(const char *path, char **buf, size_t *len, char *err,
		 size_t errlen);

void vx_diag_print(const struct vx_diag *d);

/* Defaults + FILE ("-" = stdin) in the text form, or JSON when @json or
 * when the file starts with '{'.  Returns 0, or -1 after printing why (and
 * @pol is then empty). */
int vx_policy_load(const char *file, bool json, struct vx_policy *pol);

/* What replacing @now with @next changes, in diff form on @f ("-" lines
 * leave, "+" lines come).  Returns the number of changes, or -1 (out of
 * memory). */
long vx_policy_diff(FILE *f, const struct vx_policy *now,
		    const struct vx_policy *next);

#endif
