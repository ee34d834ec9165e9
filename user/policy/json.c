// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON form of a policy, vpnxdp-policy(5), for ops tooling:
 *
 *   { "version": 1,
 *     "generation": 7,                       (printed by show; ignored on input)
 *     "classes": {
 *       "ike": { "rules": [ { "action": "pass",
 *                             "from": ["198.51.100.0/24", "2001:db8:10::/48"] },
 *                           { "action": "drop" } ] },
 *       "wireguard": { "rules": [ { "action": "count", "rate": 200, "burst": 400 } ] },
 *       "sstp": { "disabled": true } },
 *     "signatures": [
 *       { "class": "openvpn", "transport": "udp", "port": 1195, "port_end": 1196 },
 *       { "class": "esp", "transport": "ip", "protocol": 50, "state": "disable" } ],
 *     "heuristics": { "openvpn-obfuscated": true } }
 *
 * The same model as the text form, built through the same checks
 * (policy.c).  Errors in well-formed JSON name the JSON path of the value at
 * fault; syntax errors carry jansson's line and column.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/names.h"
#include "policy/policy.h"

struct vx_jctx {
	struct vx_policy *pol;
	struct vx_diag *d;
};

static int jfail(struct vx_jctx *j, const char *path, const char *fmt,
		 const char *arg)
{
	snprintf(j->d->path, sizeof(j->d->path), "%.250s", path);
	snprintf(j->d->msg, sizeof(j->d->msg), fmt, arg);
	return -1;
}

/* Every key of @o must be one of @keys (NULL-terminated): a misspelt key
 * silently ignored would be a policy silently not applied. */
static int vx_keys_known(struct vx_jctx *j, json_t *o, const char *path,
			 const char *const *keys)
{
	const char *k;
	json_t *v;
	char p[160];

	json_object_foreach(o, k, v) {
		bool ok = false;

		for (int i = 0; keys[i]; i++)
			if (!strcmp(k, keys[i]))
				ok = true;
		if (!ok) {
			snprintf(p, sizeof(p), "%.100s.%.50s", path, k);
			return jfail(j, p, "unknown key '%s'", k);
		}
	}
	return 0;
}

/* An integer in [lo, hi] at @path, or an error. */
static int vx_jint(struct vx_jctx *j, json_t *v, const char *path,
		   json_int_t lo, json_int_t hi, unsigned long *out)
{
	char range[64];

	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi) {
		snprintf(range, sizeof(range), "%lld..%lld", (long long)lo, (long long)hi);
		return jfail(j, path, "must be an integer in %s", range);
	}
	*out = (unsigned long)json_integer_value(v);
	return 0;
}

static int vx_json_rule(struct vx_jctx *j, int cls, json_t *jr, const char *path)
{
	static const char *const keys[] = { "action", "from", "rate", "burst", NULL };
	struct vx_ruledef r = { 0 };
	struct vx_prefix p;
	char sub[256], msg[256];
	json_t *v, *from;
	unsigned long n;
	size_t i;
	int act;

	if (!json_is_object(jr))
		return jfail(j, path, "%s", "a rule must be an object");
	if (vx_keys_known(j, jr, path, keys))
		return -1;
	snprintf(sub, sizeof(sub), "%.160s.action", path);
	v = json_object_get(jr, "action");
	if (!json_is_string(v))
		return jfail(j, v ? sub : path, "%s", v ? "action must be a string"
						       : "rule has no \"action\"");
	act = vx_action_parse(json_string_value(v));
	if (act < 0)
		return jfail(j, sub, "unknown action '%s' (count, pass or drop)",
			     json_string_value(v));
	r.action = (__u8)act;
	from = json_object_get(jr, "from");
	if (from) {
		snprintf(sub, sizeof(sub), "%.160s.from", path);
		if (!json_is_array(from) || json_array_size(from) == 0) {
			jfail(j, sub, "%s", "from must be a non-empty array of prefixes");
			goto bad;
		}
		json_array_foreach(from, i, v) {
			snprintf(sub, sizeof(sub), "%.160s.from[%zu]", path, i);
			if (!json_is_string(v)) {
				jfail(j, sub, "%s", "a prefix must be a string");
				goto bad;
			}
			if (vx_prefix_parse(json_string_value(v), &p, msg, sizeof(msg)) ||
			    vx_rule_add_prefix(j->pol, &r, &p, msg, sizeof(msg))) {
				jfail(j, sub, "%s", msg);
				goto bad;
			}
		}
	}
	v = json_object_get(jr, "rate");
	if (v) {
		snprintf(sub, sizeof(sub), "%.160s.rate", path);
		if (vx_jint(j, v, sub, 1, VX_MAX_RATE, &n))
			goto bad;
		r.rate = (__u32)n;
	}
	v = json_object_get(jr, "burst");
	if (v) {
		snprintf(sub, sizeof(sub), "%.160s.burst", path);
		if (vx_jint(j, v, sub, 1, VX_MAX_RATE, &n))
			goto bad;
		r.burst = (__u32)n;
	}
	if (vx_policy_add_rule(j->pol, cls, &r, msg, sizeof(msg)))
		return jfail(j, path, "%s", msg);
	return 0;
bad:
	j->pol->nprefixes -= r.npfx;
	vx_ruledef_free(&r);
	return -1;
}

static int vx_json_classes(struct vx_jctx *j, json_t *classes)
{
	static const char *const keys[] = { "disabled", "rules", NULL };
	const char *name;
	json_t *jc, *v;
	char path[160], sub[256], msg[256];
	size_t i;

	if (!json_is_object(classes))
		return jfail(j, "$.classes", "%s", "must be an object of class names");
	json_object_foreach(classes, name, jc) {
		int cls = vx_class_parse(name);

		snprintf(path, sizeof(path), "$.classes.%.64s", name);
		if (cls < 0)
			return jfail(j, path, "unknown class '%s'", name);
		if (!VX_CLASS_IS_VPN(cls))
			return jfail(j, path, "class '%s' takes no policy: traffic that is "
				     "not VPN is always passed", name);
		if (!json_is_object(jc))
			return jfail(j, path, "%s", "must be an object");
		if (vx_keys_known(j, jc, path, keys))
			return -1;
		v = json_object_get(jc, "disabled");
		if (v && !json_is_boolean(v)) {
			snprintf(sub, sizeof(sub), "%.160s.disabled", path);
			return jfail(j, sub, "%s", "must be true or false");
		}
		if (json_is_true(v) &&
		    vx_policy_class_disable(j->pol, cls, 0, msg, sizeof(msg)))
			return jfail(j, path, "%s", msg);
		v = json_object_get(jc, "rules");
		if (!v)
			continue;
		snprintf(sub, sizeof(sub), "%.160s.rules", path);
		if (!json_is_array(v))
			return jfail(j, sub, "%s", "must be an array of rules");
		for (i = 0; i < json_array_size(v); i++) {
			snprintf(sub, sizeof(sub), "%.160s.rules[%zu]", path, i);
			if (vx_json_rule(j, cls, json_array_get(v, i), sub))
				return -1;
		}
	}
	return 0;
}

/* What a signature matches: an IP protocol, or a port or port range. */
static int vx_json_sig_range(struct vx_jctx *j, json_t *js, const char *path,
			     int kind, unsigned long *lo, unsigned long *hi)
{
	char sub[256];
	json_t *v;

	if (kind == VX_SK_IP) {
		if (json_object_get(js, "port") || json_object_get(js, "port_end"))
			return jfail(j, path, "%s", "an ip signature has \"protocol\", not ports");
		snprintf(sub, sizeof(sub), "%.160s.protocol", path);
		v = json_object_get(js, "protocol");
		if (!v)
			return jfail(j, path, "%s", "needs \"protocol\" (1..255)");
		if (vx_jint(j, v, sub, 1, 255, lo))
			return -1;
		if (*lo == 6 || *lo == 17)
			return jfail(j, sub, "%s", "TCP and UDP are named by port, with a tcp or udp signature");
		*hi = *lo;
		return 0;
	}
	if (json_object_get(js, "protocol"))
		return jfail(j, path, "%s", "a udp or tcp signature has ports, not \"protocol\"");
	snprintf(sub, sizeof(sub), "%.160s.port", path);
	v = json_object_get(js, "port");
	if (!v)
		return jfail(j, path, "%s", "needs \"port\" (1..65535)");
	if (vx_jint(j, v, sub, 1, 65535, lo))
		return -1;
	*hi = *lo;
	v = json_object_get(js, "port_end");
	if (v) {
		snprintf(sub, sizeof(sub), "%.160s.port_end", path);
		if (vx_jint(j, v, sub, 1, 65535, hi))
			return -1;
		if (*hi < *lo)
			return jfail(j, sub, "%s", "reversed port range: port_end is below port");
	}
	return 0;
}

static int vx_json_sig(struct vx_jctx *j, json_t *js, size_t idx)
{
	static const char *const keys[] = { "class", "transport", "port", "port_end",
					    "protocol", "state", NULL };
	struct vx_sigedit e = { .where = (int)idx };
	char path[64], sub[256], msg[256];
	unsigned long lo, hi;
	json_t *v;
	int cls, kind;

	snprintf(path, sizeof(path), "$.signatures[%zu]", idx);
	if (!json_is_object(js))
		return jfail(j, path, "%s", "a signature must be an object");
	if (vx_keys_known(j, js, path, keys))
		return -1;
	snprintf(sub, sizeof(sub), "%.160s.class", path);
	v = json_object_get(js, "class");
	if (!json_is_string(v))
		return jfail(j, v ? sub : path, "%s", "needs \"class\", a string");
	cls = vx_class_parse(json_string_value(v));
	if (cls < 0 || !VX_CLASS_IS_VPN(cls))
		return jfail(j, sub, "unknown or non-VPN class '%s'", json_string_value(v));
	e.cls = (__u8)cls;
	snprintf(sub, sizeof(sub), "%.160s.transport", path);
	v = json_object_get(js, "transport");
	if (!json_is_string(v))
		return jfail(j, v ? sub : path, "%s", "needs \"transport\": udp, tcp or ip");
	kind = vx_sig_kind_parse(json_string_value(v));
	if (kind < 0)
		return jfail(j, sub, "unknown transport '%s' (udp, tcp or ip)",
			     json_string_value(v));
	e.kind = (__u8)kind;
	if (vx_json_sig_range(j, js, path, kind, &lo, &hi))
		return -1;
	e.lo = (__u16)lo;
	e.hi = (__u16)hi;
	v = json_object_get(js, "state");
	if (v) {
		int st = -1;

		snprintf(sub, sizeof(sub), "%.160s.state", path);
		for (int i = 0; json_is_string(v) && i < VX_NSS; i++)
			if (!strcmp(json_string_value(v), vx_sig_state_names[i]))
				st = i;
		if (st < 0)
			return jfail(j, sub, "%s", "must be \"enable\", \"disable\" or \"remove\"");
		e.state = (__u8)st;
	}
	if (vx_policy_sig_edit(j->pol, &e, msg, sizeof(msg)))
		return jfail(j, path, "%s", msg);
	return 0;
}

/* "heuristics": { NAME: true|false, ... } */
static int vx_json_heuristics(struct vx_jctx *j, json_t *jh)
{
	const char *name;
	char path[128], msg[256];
	json_t *v;
	int idx;

	if (!json_is_object(jh))
		return jfail(j, "$.heuristics", "%s", "must be an object of heuristic names");
	json_object_foreach(jh, name, v) {
		snprintf(path, sizeof(path), "$.heuristics.%.64s", name);
		idx = vx_heur_parse(name);
		if (idx < 0)
			return jfail(j, path, "unknown heuristic '%s' (openvpn-obfuscated)", name);
		if (!json_is_boolean(v))
			return jfail(j, path, "%s", "must be true or false");
		if (vx_policy_heuristic(j->pol, idx, json_is_true(v), -1, msg, sizeof(msg)))
			return jfail(j, path, "%s", msg);
	}
	return 0;
}

int vx_policy_parse_json(struct vx_policy *pol, const char *buf, size_t len,
			 const char *fname, struct vx_diag *d)
{
	static const char *const keys[] = { "version", "generation", "classes",
					    "signatures", "heuristics", NULL };
	struct vx_jctx j;
	json_error_t err;
	json_t *root, *v;
	size_t i;
	int ret = -1;

	memset(d, 0, sizeof(*d));
	j.pol = pol;
	j.d = d;
	snprintf(d->file, sizeof(d->file), "%s", fname);
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		d->line = err.line > 0 ? err.line : 1;
		d->col = err.column > 0 ? err.column : 1;
		snprintf(d->msg, sizeof(d->msg), "%s", err.text);
		return -1;
	}
	if (!json_is_object(root)) {
		jfail(&j, "$", "%s", "a policy must be a JSON object");
		goto out;
	}
	if (vx_keys_known(&j, root, "$", keys))
		goto out;
	v = json_object_get(root, "version");
	if (v && (!json_is_integer(v) || json_integer_value(v) != 1)) {
		jfail(&j, "$.version", "%s", "unsupported version (this vpnxdp reads 1)");
		goto out;
	}
	v = json_object_get(root, "generation");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0)) {
		jfail(&j, "$.generation", "%s", "must be a non-negative integer");
		goto out;
	}
	v = json_object_get(root, "classes");
	if (v && vx_json_classes(&j, v))
		goto out;
	v = json_object_get(root, "signatures");
	if (v) {
		if (!json_is_array(v)) {
			jfail(&j, "$.signatures", "%s", "must be an array");
			goto out;
		}
		for (i = 0; i < json_array_size(v); i++)
			if (vx_json_sig(&j, json_array_get(v, i), i))
				goto out;
	}
	v = json_object_get(root, "heuristics");
	if (v && vx_json_heuristics(&j, v))
		goto out;
	ret = 0;
out:
	json_decref(root);
	return ret;
}

/* The heuristics that are on (off is the default: only what is on is
 * said). */
static void vx_json_heuristics_out(json_t *root, const struct vx_policy *pol)
{
	json_t *jh;

	if (!pol->heur)
		return;
	jh = json_object();
	for (int i = 0; i < VX_NHEUR; i++)
		if (pol->heur & (1u << i))
			json_object_set_new(jh, vx_heur_names[i], json_true());
	json_object_set_new(root, "heuristics", jh);
}

char *vx_policy_to_json(const struct vx_policy *pol, __u32 generation,
			bool pretty)
{
	json_t *root = json_object(), *classes = json_object(), *sigs = json_array();
	size_t *order = vx_policy_edit_order(pol);
	char buf[64], *out = NULL;

	if (!root || !classes || !sigs || !order)
		goto out;
	json_object_set_new(root, "version", json_integer(1));
	if (generation)
		json_object_set_new(root, "generation", json_integer(generation));
	for (int c = 0; c < VX_MAX_CLASS; c++) {
		const struct vx_classdef *cd = &pol->cls[c];
		json_t *jc, *rules;

		if (!cd->disabled && !cd->nrules)
			continue;
		jc = json_object();
		if (cd->disabled)
			json_object_set_new(jc, "disabled", json_true());
		if (cd->nrules) {
			rules = json_array();
			for (unsigned int i = 0; i < cd->nrules; i++) {
				const struct vx_ruledef *r = &cd->rules[i];
				json_t *jr = json_object();

				json_object_set_new(jr, "action",
						    json_string(vx_action_names[r->action]));
				if (r->npfx) {
					json_t *from = json_array();

					for (size_t k = 0; k < r->npfx; k++) {
						vx_prefix_format(&r->pfx[k], buf, sizeof(buf));
						json_array_append_new(from, json_string(buf));
					}
					json_object_set_new(jr, "from", from);
				}
				if (r->rate) {
					json_object_set_new(jr, "rate", json_integer(r->rate));
					json_object_set_new(jr, "burst", json_integer(r->burst));
				}
				json_array_append_new(rules, jr);
			}
			json_object_set_new(jc, "rules", rules);
		}
		json_object_set_new(classes, vx_class_name((unsigned int)c), jc);
	}
	json_object_set(root, "classes", classes);
	for (size_t k = 0; k < pol->nedits; k++) {
		const struct vx_sigedit *e = &pol->edits[order[k]];
		json_t *js = json_object();

		json_object_set_new(js, "class", json_string(vx_class_name(e->cls)));
		json_object_set_new(js, "transport", json_string(vx_sig_kind_names[e->kind]));
		if (e->kind == VX_SK_IP) {
			json_object_set_new(js, "protocol", json_integer(e->lo));
		} else {
			json_object_set_new(js, "port", json_integer(e->lo));
			if (e->hi != e->lo)
				json_object_set_new(js, "port_end", json_integer(e->hi));
		}
		if (e->state != VX_SS_ENABLE)
			json_object_set_new(js, "state", json_string(vx_sig_state_names[e->state]));
		json_array_append_new(sigs, js);
	}
	json_object_set(root, "signatures", sigs);
	vx_json_heuristics_out(root, pol);
	out = json_dumps(root, JSON_PRESERVE_ORDER |
			 (pretty ? JSON_INDENT(2) : JSON_COMPACT));
out:
	free(order);
	json_decref(sigs);
	json_decref(classes);
	json_decref(root);
	return out;
}
