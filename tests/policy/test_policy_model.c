// SPDX-License-Identifier: GPL-2.0
/*
 * The policy model of vpnxdp-policy(5) in both of its forms, without the
 * kernel: every kind of line, every error (with its file:line:column or JSON
 * path), the limits, the compiled slot contents, and the round trips
 * text -> JSON -> text and JSON -> text -> JSON through the canonical forms.
 *
 * One line per check: "PASS name" or "FAIL name: reason".
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"
#include "core/names.h"

static int n_fail;
static char why[1024];
static bool ok_now;

static void begin(void)
{
	why[0] = 0;
	ok_now = true;
}

static void expect(bool cond, const char *fmt, ...)
{
	va_list ap;

	if (cond || !ok_now)
		return;
	ok_now = false;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
}

static void result(const char *fmt, ...)
{
	char name[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (ok_now) {
		printf("PASS %s\n", name);
	} else {
		printf("FAIL %s: %s\n", name, why);
		n_fail++;
	}
}

/* Parse text or JSON from an exact-size heap copy (ASan sees overreads). */
static int parse(struct vx_policy *pol, bool json, const char *s, size_t len,
		 struct vx_diag *d)
{
	char *b = malloc(len ? len : 1);
	int rc;

	memcpy(b, s, len);
	vx_policy_init(pol);
	rc = json ? vx_policy_parse_json(pol, b, len, "t", d)
		  : vx_policy_parse_text(pol, b, len, "t", d);
	free(b);
	return rc;
}

static char *to_text(const struct vx_policy *pol)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vx_policy_to_text(pol, 0, f);
	fclose(f);
	return buf;
}

/* A text policy is valid and prints back canonically as @canon. */
static void valid(const char *name, const char *text, const char *canon)
{
	struct vx_policy pol;
	struct vx_diag d;
	char *out;
	int rc = parse(&pol, false, text, strlen(text), &d);

	begin();
	expect(rc == 0, "rejected: %d:%d: %s", d.line, d.col, d.msg);
	out = to_text(&pol);
	expect(rc || strcmp(out, canon) == 0, "canonical form\n%s\nwant\n%s", out, canon);
	result("text_valid_%s", name);
	free(out);
	vx_policy_free(&pol);
}

static void bad_text(const char *name, const char *text, size_t len, int line,
		     int col, const char *sub)
{
	struct vx_policy pol;
	struct vx_diag d;
	int rc = parse(&pol, false, text, len, &d);

	begin();
	expect(rc == -1, "accepted");
	expect(d.line == line && d.col == col, "at %d:%d, want %d:%d (%s)", d.line,
	       d.col, line, col, d.msg);
	expect(strstr(d.msg, sub) != NULL, "message '%s' lacks '%s'", d.msg, sub);
	result("text_error_%s", name);
	vx_policy_free(&pol);
}
#define BAD(name, text, line, col, sub) bad_text(name, text, sizeof(text) - 1, line, col, sub)

static void bad_json(const char *name, const char *text, const char *path,
		     int line, const char *sub)
{
	struct vx_policy pol;
	struct vx_diag d;
	int rc = parse(&pol, true, text, strlen(text), &d);

	begin();
	expect(rc == -1, "accepted");
	if (path)
		expect(strcmp(d.path, path) == 0, "path '%s', want '%s' (%s)", d.path,
		       path, d.msg);
	else
		expect(d.path[0] == 0 && d.line == line, "at line %d path '%s', want line %d (%s)",
		       d.line, d.path, line, d.msg);
	expect(strstr(d.msg, sub) != NULL, "message '%s' lacks '%s'", d.msg, sub);
	result("json_error_%s", name);
	vx_policy_free(&pol);
}

static void test_valid_lines(void)
{
	valid("issue_example",
	      "# weak protocols\npptp drop\nl2tp drop\n"
	      "ike pass from 198.51.100.0/24, 2001:db8:10::/48\nike drop\n"
	      "wireguard count rate 200/s burst 400\n"
	      "signature openvpn udp 1195-1196\nsignature sstp tcp 443 enable\n",
	      "wireguard count rate 200/s burst 400\n"
	      "ike pass from 198.51.100.0/24, 2001:db8:10::/48\nike drop\n"
	      "l2tp drop\npptp drop\n"
	      "signature openvpn udp 1195-1196\nsignature sstp tcp 443\n");
	valid("class_action_line", "pptp drop\n", "pptp drop\n");
	valid("rate_default_burst", "wireguard count rate 200/s\n",
	      "wireguard count rate 200/s burst 200\n");
	valid("address_is_host_prefix", "openvpn drop from 203.0.113.7, 2001:db8::7\n",
	      "openvpn drop from 203.0.113.7/32, 2001:db8::7/128\n");
	valid("commas_without_spaces", "ike pass from 198.51.100.0/24,2001:db8::/32 ,192.0.2.0/25\n",
	      "ike pass from 198.51.100.0/24, 2001:db8::/32, 192.0.2.0/25\n");
	valid("rate_before_from", "ike drop rate 5/s burst 10 from 198.51.100.0/24\n",
	      "ike drop from 198.51.100.0/24 rate 5/s burst 10\n");
	valid("from_and_rate", "ike count from 198.51.100.0/24 rate 5/s\nike drop\n",
	      "ike count from 198.51.100.0/24 rate 5/s burst 5\nike drop\n");
	valid("default_routes", "openvpn drop from 0.0.0.0/0, ::/0\n",
	      "openvpn drop from 0.0.0.0/0, ::/0\n");
	valid("class_disable", "sstp disable\n", "sstp disable\n");
	valid("signature_states",
	      "signature openvpn tcp 1194 disable\nsignature openvpn udp 1194 remove\n"
	      "signature esp ip 50 disable\nsignature wireguard ip 99\n"
	      "signature ike udp 4500 enable\n",
	      "signature openvpn udp 1194 remove\nsignature ike udp 4500\n"
	      "signature openvpn tcp 1194 disable\nsignature esp ip 50 disable\n"
	      "signature wireguard ip 99\n");
	valid("single_port_range", "signature lightway udp 7000-7000\n",
	      "signature lightway udp 7000\n");
	valid("full_port_range", "signature openvpn tcp 1-65535\n",
	      "signature openvpn tcp 1-65535\n");
	valid("comments_crlf_tabs", "# c\r\n\tpptp\tdrop # weak\r\n\r\nike pass from 198.51.100.0/24#x\n",
	      "ike pass from 198.51.100.0/24\npptp drop\n");
	valid("sixteen_rules",
	      "ike pass from 192.0.2.1\nike pass from 192.0.2.2\nike pass from 192.0.2.3\n"
	      "ike pass from 192.0.2.4\nike pass from 192.0.2.5\nike pass from 192.0.2.6\n"
	      "ike pass from 192.0.2.7\nike pass from 192.0.2.8\nike pass from 192.0.2.9\n"
	      "ike pass from 192.0.2.10\nike pass from 192.0.2.11\nike pass from 192.0.2.12\n"
	      "ike pass from 192.0.2.13\nike pass from 192.0.2.14\nike pass from 192.0.2.15\n"
	      "ike drop\n",
	      "ike pass from 192.0.2.1/32\nike pass from 192.0.2.2/32\nike pass from 192.0.2.3/32\n"
	      "ike pass from 192.0.2.4/32\nike pass from 192.0.2.5/32\nike pass from 192.0.2.6/32\n"
	      "ike pass from 192.0.2.7/32\nike pass from 192.0.2.8/32\nike pass from 192.0.2.9/32\n"
	      "ike pass from 192.0.2.10/32\nike pass from 192.0.2.11/32\nike pass from 192.0.2.12/32\n"
	      "ike pass from 192.0.2.13/32\nike pass from 192.0.2.14/32\nike pass from 192.0.2.15/32\n"
	      "ike drop\n");
}

static void test_text_errors(void)
{
	BAD("unknown_class", "pptp drop\nfoo drop\n", 2, 1, "unknown class 'foo'");
	BAD("unknown_action", "ike allow from 198.51.100.0/24\n", 1, 5, "unknown action 'allow'");
	BAD("other_class", "other drop\n", 1, 1, "takes no action");
	BAD("prefix_len_33", "ike pass from 198.51.100.0/33\n", 1, 15, "prefix length must be 0..32");
	BAD("prefix_len_129", "ike pass from 2001:db8::/129\n", 1, 15, "prefix length must be 0..128");
	BAD("prefix_host_bits", "ike pass from 198.51.100.1/24\n", 1, 15,
	    "host bits set (did you mean 198.51.100.0/24?)");
	BAD("prefix_bad_address", "ike pass from 198.51.100.0/24, 300.1.1.1\n", 1, 32,
	    "not an IPv4 or IPv6 address");
	BAD("prefix_missing_len", "ike pass from 198.51.100.0/\n", 1, 15, "prefix length missing");
	BAD("prefix_garbage_len", "ike pass from 198.51.100.0/2x\n", 1, 15, "prefix length must be");
	BAD("from_empty", "ike pass from\n", 1, 14, "expected a prefix after 'from'");
	BAD("from_trailing_comma", "ike pass from 198.51.100.0/24,\n", 1, 31,
	    "expected a prefix after ','");
	BAD("from_double_comma", "ike pass from 198.51.100.0/24,,192.0.2.0/24\n", 1, 31,
	    "expected a prefix after ','");
	BAD("from_twice", "ike pass from 192.0.2.1 from 192.0.2.2\n", 1, 25, "'from' given twice");
	BAD("unknown_clause", "ike pass to 192.0.2.1\n", 1, 10, "unexpected 'to'");
	BAD("port_zero", "signature openvpn udp 0\n", 1, 23, "port out of range");
	BAD("port_too_big", "signature openvpn udp 65536\n", 1, 23, "port out of range");
	BAD("port_range_too_big", "signature openvpn tcp 1000-70000\n", 1, 23, "port out of range");
	BAD("port_not_number", "signature openvpn udp https\n", 1, 23, "not a port");
	BAD("port_negative", "signature openvpn udp -5\n", 1, 23, "not a port");
	BAD("reversed_range", "signature openvpn udp 1196-1195\n", 1, 23, "reversed port range '1196-1195'");
	BAD("duplicate_signature", "signature openvpn udp 1195\nsignature wireguard udp 1195\n",
	    2, 1, "duplicate signature: udp port 1195 is already named by signature #1");
	BAD("duplicate_signature_overlap", "signature openvpn udp 1190-1199\n# x\nsignature openvpn udp 1199-1200\n",
	    3, 1, "duplicate signature: udp port 1199");
	BAD("duplicate_ip_signature", "signature esp ip 50 disable\nsignature ah ip 50\n",
	    2, 1, "duplicate signature: ip protocol 50");
	BAD("remove_unknown_signature", "signature openvpn udp 1195 remove\n", 1, 1,
	    "no built-in openvpn signature udp 1195 to remove");
	BAD("ip_protocol_zero", "signature esp ip 0\n", 1, 18, "IP protocol must be 1..255");
	BAD("ip_protocol_256", "signature esp ip 256\n", 1, 18, "IP protocol must be 1..255");
	BAD("ip_protocol_udp", "signature esp ip 17\n", 1, 18, "is TCP or UDP");
	BAD("signature_unknown_transport", "signature openvpn sctp 1194\n", 1, 19, "unknown transport 'sctp'");
	BAD("signature_unknown_state", "signature openvpn udp 1195 on\n", 1, 28, "unexpected 'on'");
	BAD("signature_no_class", "signature\n", 1, 10, "expected a class");
	BAD("signature_other", "signature other udp 99\n", 1, 11, "takes no action");
	BAD("rate_zero", "wireguard count rate 0/s\n", 1, 22, "must be at least 1/s");
	BAD("rate_no_unit", "wireguard count rate 200\n", 1, 22, "bad rate '200'");
	BAD("rate_missing", "wireguard count rate\n", 1, 21, "expected a rate");
	BAD("rate_too_big", "wireguard count rate 2000000000/s\n", 1, 22, "bad rate");
	BAD("burst_zero", "wireguard count rate 5/s burst 0\n", 1, 32, "bad burst '0'");
	BAD("burst_missing", "wireguard count rate 5/s burst\n", 1, 31, "expected a packet count");
	BAD("unreachable_rule", "ike drop\nike pass from 198.51.100.0/24\n", 2, 1, "rule can never match");
	BAD("unreachable_after_rate", "ike count rate 5/s\nike drop\n", 2, 1, "rule can never match");
	BAD("disabled_class_with_rules", "sstp disable\nsstp drop\n", 2, 1, "is disabled");
	BAD("rules_then_disable", "sstp drop\nsstp disable\n", 2, 1, "has rules");
	BAD("disable_extra", "sstp disable now\n", 1, 14, "unexpected 'now' after 'disable'");
	BAD("truncated_file", "pptp drop\nike pass from 198.51.100.0/24, 2001:db8:", 2, 41,
	    "no newline at the end of the file (truncated?)");
	BAD("not_utf8", "pptp drop\nike pass # caf\xe9\n", 2, 15, "not valid UTF-8");
	BAD("nul_byte", "pptp\0 drop\n", 1, 5, "NUL byte");
	{
		/* 17 rules for one class */
		char t[2048] = "";

		for (int i = 1; i <= 17; i++)
			snprintf(t + strlen(t), sizeof(t) - strlen(t), "ike pass from 192.0.2.%d\n", i);
		bad_text("too_many_rules", t, strlen(t), 17, 1, "too many rules for ike (limit 16)");
	}
}

/* n prefixes in one rule (text), distinct /32s from 10.0.0.0 up. */
static char *many_prefixes(size_t n, bool json)
{
	size_t cap = n * 24 + 256, len = 0;
	char *t = malloc(cap);

	len += (size_t)snprintf(t, cap, json ? "{\"classes\":{\"ike\":{\"rules\":[{\"action\":\"pass\",\"from\":["
					     : "ike pass from ");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len, json ? "%s\"10.%zu.%zu.%zu/32\"" : "%s10.%zu.%zu.%zu/32",
					i ? "," : "", (i >> 16) & 255, (i >> 8) & 255, i & 255);
	snprintf(t + len, cap - len, json ? "]}]}}}" : "\n");
	return t;
}

/* n signature lines: udp 1..65535, then tcp, then ip protocols. */
static char *many_sigs(size_t n)
{
	size_t cap = n * 40 + 16, len = 0;
	char *t = malloc(cap);

	t[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (i < 65535)
			len += (size_t)snprintf(t + len, cap - len, "signature openvpn udp %zu\n", i + 1);
		else if (i < 131070)
			len += (size_t)snprintf(t + len, cap - len, "signature openvpn tcp %zu\n", i - 65535 + 1);
		else
			len += (size_t)snprintf(t + len, cap - len, "signature wireguard ip %zu\n",
						i - 131070 + 1 + (i - 131070 >= 5 ? 2 : 0));
	}
	return t;
}

static void test_limits(void)
{
	struct vx_policy pol;
	struct vx_diag d;
	char *t;
	int rc;

	t = many_prefixes(VX_MAX_PREFIXES, false);
	rc = parse(&pol, false, t, strlen(t), &d);
	begin();
	expect(rc == 0 && pol.nprefixes == VX_MAX_PREFIXES, "rc %d (%s), %zu prefixes", rc,
	       d.msg, pol.nprefixes);
	result("limit_100000_prefixes_text_accepted");
	vx_policy_free(&pol);
	free(t);

	t = many_prefixes(VX_MAX_PREFIXES + 1, false);
	rc = parse(&pol, false, t, strlen(t), &d);
	begin();
	expect(rc == -1 && strstr(d.msg, "too many source prefixes (limit 100000"), "rc %d: %s",
	       rc, d.msg);
	result("limit_100001_prefixes_text_refused");
	vx_policy_free(&pol);
	free(t);

	t = many_prefixes(VX_MAX_PREFIXES, true);
	rc = parse(&pol, true, t, strlen(t), &d);
	begin();
	expect(rc == 0 && pol.nprefixes == VX_MAX_PREFIXES, "rc %d (%s)", rc, d.msg);
	result("limit_100000_prefixes_json_accepted");
	vx_policy_free(&pol);
	free(t);

	t = many_prefixes(VX_MAX_PREFIXES + 1, true);
	rc = parse(&pol, true, t, strlen(t), &d);
	begin();
	expect(rc == -1 && strcmp(d.path, "$.classes.ike.rules[0].from[100000]") == 0 &&
	       strstr(d.msg, "too many source prefixes"), "rc %d: %s: %s", rc, d.path, d.msg);
	result("limit_100001_prefixes_json_refused");
	vx_policy_free(&pol);
	free(t);

	t = many_sigs(65536);
	rc = parse(&pol, false, t, strlen(t), &d);
	begin();
	expect(rc == 0 && pol.nedits == 65536, "rc %d: %d:%d %s", rc, d.line, d.col, d.msg);
	result("limit_65536_signatures_accepted");
	vx_policy_free(&pol);
	free(t);

	t = many_sigs(VX_MAX_SIGNATURES);
	rc = parse(&pol, false, t, strlen(t), &d);
	begin();
	expect(rc == 0 && pol.nedits == VX_MAX_SIGNATURES, "rc %d: %d:%d %s", rc, d.line, d.col, d.msg);
	result("limit_131072_signatures_accepted");
	vx_policy_free(&pol);
	free(t);

	t = many_sigs(VX_MAX_SIGNATURES + 1);
	rc = parse(&pol, false, t, strlen(t), &d);
	begin();
	expect(rc == -1 && d.line == (int)VX_MAX_SIGNATURES + 1 &&
	       strstr(d.msg, "too many signatures (limit 131072"), "rc %d: %d: %s", rc, d.line, d.msg);
	result("limit_131073_signatures_refused");
	vx_policy_free(&pol);
	free(t);
}

static void test_compile(void)
{
	static struct vx_compiled c;
	static const char t[] =
		"ike pass from 198.51.100.0/24, 2001:db8:10::/48\nike drop\n"
		"wireguard count rate 200/s burst 400\nsstp disable\n"
		"openvpn drop from 2001:db8::/32\n"
		"signature openvpn udp 1195-1196\nsignature openvpn tcp 1194 disable\n"
		"signature openvpn udp 1194 remove\nsignature wireguard ip 99\n"
		"signature esp ip 50 disable\nsignature pptp udp 1701\n";
	struct vx_policy pol;
	struct vx_diag d;
	int rc = parse(&pol, false, t, sizeof(t) - 1, &d);
	const struct vx_class_rules *r;

	vx_policy_compile(&pol, &c);
	begin();
	expect(rc == 0, "%s", d.msg);
	expect(c.sigs[VX_L4_UDP][1195].cls == VX_C_OPENVPN && c.sigs[VX_L4_UDP][1196].cls == VX_C_OPENVPN,
	       "udp 1195-1196 not openvpn");
	expect(c.sigs[VX_L4_UDP][1197].cls == 0, "udp 1197 has a class");
	expect(c.sigs[VX_L4_UDP][1194].cls == 0, "removed udp 1194 still there");
	expect(c.sigs[VX_L4_TCP][1194].cls == 0, "disabled tcp 1194 still there");
	expect(c.protos[99] == VX_C_WIREGUARD, "ip 99 %u", c.protos[99]);
	expect(c.protos[50] == 0, "disabled esp still there");
	expect(c.protos[51] == VX_C_AH, "built-in ah lost");
	expect(c.sigs[VX_L4_UDP][1701].cls == VX_C_PPTP, "policy signature does not win over built-in l2tp");
	expect(c.sigs[VX_L4_UDP][51820].cls == VX_C_WIREGUARD, "built-in wireguard lost");
	result("compile_signatures");

	begin();
	r = &c.rules[VX_C_IKE];
	expect(r->nrules == 2, "ike %u rules", r->nrules);
	expect(r->rule[0].action == VX_ACT_PASS && r->rule[0].flags == VX_RULE_FROM,
	       "ike rule 1: action %u flags %#x", r->rule[0].action, r->rule[0].flags);
	expect(r->rule[1].action == VX_ACT_DROP && r->rule[1].flags == 0, "ike rule 2");
	r = &c.rules[VX_C_OPENVPN];
	expect(r->nrules == 1 && r->rule[0].flags == VX_RULE_FROM6, "openvpn flags %#x",
	       r->rule[0].flags);
	r = &c.rules[VX_C_WIREGUARD];
	expect(r->nrules == 1 && r->rule[0].flags == VX_RULE_RATE &&
	       r->rule[0].interval == 5000000 && r->rule[0].tolerance == 400ull * 5000000,
	       "wireguard rate: flags %#x interval %llu tolerance %llu", r->rule[0].flags,
	       (unsigned long long)r->rule[0].interval, (unsigned long long)r->rule[0].tolerance);
	expect(c.rules[VX_C_SSTP].flags == VX_CLS_DISABLED, "sstp not disabled");
	expect(c.rules[VX_C_PPTP].nrules == 0 && c.rules[VX_C_PPTP].flags == 0, "pptp has rules");
	result("compile_rules");
	vx_policy_free(&pol);
}

static void test_json(void)
{
	static const char good[] =
		"{\"version\":1,\"generation\":9,\"classes\":{"
		"\"ike\":{\"rules\":[{\"action\":\"pass\",\"from\":[\"198.51.100.0/24\",\"2001:db8:10::/48\"]},"
		"{\"action\":\"drop\"}]},"
		"\"wireguard\":{\"rules\":[{\"action\":\"count\",\"rate\":200,\"burst\":400}]},"
		"\"sstp\":{\"disabled\":true}},"
		"\"signatures\":[{\"class\":\"openvpn\",\"transport\":\"udp\",\"port\":1195,\"port_end\":1196},"
		"{\"class\":\"esp\",\"transport\":\"ip\",\"protocol\":50,\"state\":\"disable\"}]}";
	static const char canon[] =
		"wireguard count rate 200/s burst 400\n"
		"ike pass from 198.51.100.0/24, 2001:db8:10::/48\nike drop\n"
		"sstp disable\nsignature openvpn udp 1195-1196\nsignature esp ip 50 disable\n";
	struct vx_policy pol;
	struct vx_diag d;
	char *out;
	int rc = parse(&pol, true, good, strlen(good), &d);

	begin();
	expect(rc == 0, "%s: %s", d.path, d.msg);
	out = to_text(&pol);
	expect(rc || strcmp(out, canon) == 0, "as text\n%s", out);
	result("json_valid_every_field");
	free(out);
	vx_policy_free(&pol);

	bad_json("root_not_object", "[1,2]", "$", 0, "must be a JSON object");
	bad_json("unknown_top_key", "{\"clases\":{}}", "$.clases", 0, "unknown key 'clases'");
	bad_json("version_2", "{\"version\":2}", "$.version", 0, "unsupported version");
	bad_json("classes_array", "{\"classes\":[]}", "$.classes", 0, "must be an object");
	bad_json("unknown_class", "{\"classes\":{\"ikev3\":{}}}", "$.classes.ikev3", 0, "unknown class");
	bad_json("other_class", "{\"classes\":{\"other\":{}}}", "$.classes.other", 0, "takes no policy");
	bad_json("unknown_class_key", "{\"classes\":{\"ike\":{\"rulez\":[]}}}", "$.classes.ike.rulez", 0,
		 "unknown key 'rulez'");
	bad_json("rules_not_array", "{\"classes\":{\"ike\":{\"rules\":{}}}}", "$.classes.ike.rules", 0,
		 "must be an array");
	bad_json("rule_not_object", "{\"classes\":{\"ike\":{\"rules\":[\"drop\"]}}}",
		 "$.classes.ike.rules[0]", 0, "must be an object");
	bad_json("rule_no_action", "{\"classes\":{\"ike\":{\"rules\":[{}]}}}",
		 "$.classes.ike.rules[0]", 0, "no \"action\"");
	bad_json("action_number", "{\"classes\":{\"ike\":{\"rules\":[{\"action\":2}]}}}",
		 "$.classes.ike.rules[0].action", 0, "must be a string");
	bad_json("unknown_action", "{\"classes\":{\"ike\":{\"rules\":[{\"action\":\"dorp\"}]}}}",
		 "$.classes.ike.rules[0].action", 0, "unknown action 'dorp'");
	bad_json("bad_prefix",
		 "{\"classes\":{\"ike\":{\"rules\":[{\"action\":\"pass\",\"from\":[\"192.0.2.0/24\",\"192.0.2.0/40\"]}]}}}",
		 "$.classes.ike.rules[0].from[1]", 0, "prefix length must be 0..32");
	bad_json("from_not_array", "{\"classes\":{\"ike\":{\"rules\":[{\"action\":\"pass\",\"from\":\"192.0.2.0/24\"}]}}}",
		 "$.classes.ike.rules[0].from", 0, "non-empty array");
	bad_json("from_empty", "{\"classes\":{\"ike\":{\"rules\":[{\"action\":\"pass\",\"from\":[]}]}}}",
		 "$.classes.ike.rules[0].from", 0, "non-empty array");
	bad_json("rate_zero", "{\"classes\":{\"ike\":{\"rules\":[{\"action\":\"pass\",\"rate\":0}]}}}",
		 "$.classes.ike.rules[0].rate", 0, "integer in 1..1000000000");
	bad_json("rate_string", "{\"classes\":{\"ike\":{\"rules\":[{\"action\":\"pass\",\"rate\":\"5/s\"}]}}}",
		 "$.classes.ike.rules[0].rate", 0, "integer in");
	bad_json("burst_without_rate", "{\"classes\":{\"ike\":{\"rules\":[{\"action\":\"pass\",\"burst\":5}]}}}",
		 "$.classes.ike.rules[0]", 0, "burst without a rate");
	bad_json("unreachable", "{\"classes\":{\"ike\":{\"rules\":[{\"action\":\"drop\"},{\"action\":\"pass\"}]}}}",
		 "$.classes.ike.rules[1]", 0, "rule can never match");
	bad_json("disabled_not_bool", "{\"classes\":{\"ike\":{\"disabled\":1}}}",
		 "$.classes.ike.disabled", 0, "true or false");
	bad_json("signatures_object", "{\"signatures\":{}}", "$.signatures", 0, "must be an array");
	bad_json("sig_port_zero", "{\"signatures\":[{\"class\":\"openvpn\",\"transport\":\"udp\",\"port\":0}]}",
		 "$.signatures[0].port", 0, "integer in 1..65535");
	bad_json("sig_port_65536", "{\"signatures\":[{\"class\":\"openvpn\",\"transport\":\"tcp\",\"port\":65536}]}",
		 "$.signatures[0].port", 0, "integer in 1..65535");
	bad_json("sig_reversed", "{\"signatures\":[{\"class\":\"openvpn\",\"transport\":\"udp\",\"port\":1196,\"port_end\":1195}]}",
		 "$.signatures[0].port_end", 0, "reversed port range");
	bad_json("sig_duplicate",
		 "{\"signatures\":[{\"class\":\"openvpn\",\"transport\":\"udp\",\"port\":1195},"
		 "{\"class\":\"wireguard\",\"transport\":\"udp\",\"port\":1190,\"port_end\":1200}]}",
		 "$.signatures[1]", 0, "duplicate signature: udp port 1195");
	bad_json("sig_no_port", "{\"signatures\":[{\"class\":\"openvpn\",\"transport\":\"udp\"}]}",
		 "$.signatures[0]", 0, "needs \"port\"");
	bad_json("sig_ip_with_port", "{\"signatures\":[{\"class\":\"esp\",\"transport\":\"ip\",\"port\":50}]}",
		 "$.signatures[0]", 0, "has \"protocol\", not ports");
	bad_json("sig_bad_state", "{\"signatures\":[{\"class\":\"esp\",\"transport\":\"ip\",\"protocol\":50,\"state\":\"off\"}]}",
		 "$.signatures[0].state", 0, "\"enable\", \"disable\" or \"remove\"");
	bad_json("sig_unknown_key", "{\"signatures\":[{\"class\":\"esp\",\"transport\":\"ip\",\"protocol\":50,\"note\":1}]}",
		 "$.signatures[0].note", 0, "unknown key 'note'");
	bad_json("sig_remove_unknown", "{\"signatures\":[{\"class\":\"esp\",\"transport\":\"ip\",\"protocol\":99,\"state\":\"remove\"}]}",
		 "$.signatures[0]", 0, "to remove");
	bad_json("truncated", "{\"classes\":{\"ike\":{\"rules\":[{\"action\":\"drop\"}]}\n", NULL, 2,
		 "end of file");
	bad_json("not_utf8", "{\"classes\":{\"ik\xe9\":{}}}", NULL, 1, "unable to decode byte 0xe9");
	bad_json("duplicate_key", "{\"classes\":{},\"classes\":{}}", NULL, 1, "duplicate object key");
	bad_json("empty_input", "", NULL, 1, "");
}

/* text -> JSON -> model -> text, and JSON (with a generation, as show
 * prints it) -> model -> JSON: each lands on the same canonical bytes. */
static void roundtrip(const char *name, const char *text)
{
	struct vx_policy a, b, c;
	struct vx_diag d;
	char *t1, *j1, *t2, *j2, *jshow, *j3;
	int rc1 = parse(&a, false, text, strlen(text), &d), rc2, rc3;

	t1 = to_text(&a);
	j1 = vx_policy_to_json(&a, 0, false);
	jshow = vx_policy_to_json(&a, 42, true);
	rc2 = parse(&b, true, j1, strlen(j1), &d);
	t2 = to_text(&b);
	rc3 = parse(&c, true, jshow, strlen(jshow), &d);
	j2 = vx_policy_to_json(&c, 0, false);
	j3 = vx_policy_to_json(&b, 0, false);
	begin();
	expect(rc1 == 0 && rc2 == 0 && rc3 == 0, "parse %d %d %d: %s", rc1, rc2, rc3, d.msg);
	expect(strcmp(t1, t2) == 0, "text differs after JSON:\n%s\nvs\n%s", t1, t2);
	expect(strcmp(j1, j2) == 0 && strcmp(j1, j3) == 0, "JSON differs after a round trip");
	{
		/* canonical text parses back to itself */
		struct vx_policy e;
		char *t3;

		parse(&e, false, t1, strlen(t1), &d);
		t3 = to_text(&e);
		expect(strcmp(t1, t3) == 0, "canonical text not stable");
		free(t3);
		vx_policy_free(&e);
	}
	result("roundtrip_%s", name);
	free(t1);
	free(t2);
	free(j1);
	free(j2);
	free(j3);
	free(jshow);
	vx_policy_free(&a);
	vx_policy_free(&b);
	vx_policy_free(&c);
}

static void test_roundtrip(void)
{
	roundtrip("empty", "");
	roundtrip("issue_example",
		  "pptp drop\nl2tp drop\nike pass from 198.51.100.0/24, 2001:db8:10::/48\n"
		  "ike drop\nwireguard count rate 200/s burst 400\n"
		  "signature openvpn udp 1195-1196\nsignature sstp tcp 443 enable\n");
	roundtrip("everything",
		  "sstp disable\nlightway pass\nopenvpn count from ::/0 rate 1/s burst 1000000000\n"
		  "esp drop from 192.0.2.0/24\nesp count\n"
		  "signature openvpn tcp 1194 disable\nsignature openvpn udp 1194 remove\n"
		  "signature esp ip 50 disable\nsignature wireguard ip 99\n"
		  "signature lightway udp 1-1000\nsignature ah tcp 65535\n");
}

/* heuristic NAME on|off, in both forms, compiled, diffed. */
static void test_heuristics(void)
{
	static const char j_on[] = "{\"heuristics\":{\"openvpn-obfuscated\":true}}";
	static const char j_off[] = "{\"heuristics\":{\"openvpn-obfuscated\":false}}";
	struct vx_policy pol, on;
	struct vx_compiled *comp = malloc(sizeof(*comp));
	struct vx_diag d;
	char *out = NULL, *dbuf = NULL;
	size_t dlen = 0;
	FILE *f;
	long changes;
	int rc;

	valid("heuristic_on", "heuristic openvpn-obfuscated on\n",
	      "heuristic openvpn-obfuscated on\n");
	valid("heuristic_off_is_default", "heuristic openvpn-obfuscated off\n", "");
	valid("heuristic_between_rules",
	      "signature openvpn udp 1195\nheuristic  openvpn-obfuscated on # scrambled\n"
	      "openvpn drop\n",
	      "openvpn drop\nheuristic openvpn-obfuscated on\nsignature openvpn udp 1195\n");
	BAD("heuristic_unknown", "heuristic wireguard-obfuscated on\n", 1, 11,
	    "unknown heuristic 'wireguard-obfuscated'");
	BAD("heuristic_no_name", "heuristic\n", 1, 10, "expected a heuristic");
	BAD("heuristic_no_state", "heuristic openvpn-obfuscated\n", 1, 29,
	    "expected on or off");
	BAD("heuristic_bad_state", "heuristic openvpn-obfuscated yes\n", 1, 30,
	    "unexpected 'yes' (on or off)");
	BAD("heuristic_trailing", "heuristic openvpn-obfuscated on now\n", 1, 33,
	    "unexpected 'now'");
	BAD("heuristic_twice",
	    "heuristic openvpn-obfuscated on\nheuristic openvpn-obfuscated off\n", 2, 1,
	    "given twice");

	/* JSON */
	rc = parse(&pol, true, j_on, strlen(j_on), &d);
	begin();
	expect(rc == 0, "%s: %s", d.path, d.msg);
	if (!rc)
		out = to_text(&pol);
	expect(!rc && !strcmp(out, "heuristic openvpn-obfuscated on\n"), "as text: %s", out);
	expect(!rc && pol.heur == VX_HEUR_OVPN_OBFS, "switch %u", pol.heur);
	result("json_valid_heuristic_on");
	free(out);
	out = NULL;
	if (!rc && comp) {
		vx_policy_compile(&pol, comp);
		begin();
		expect(comp->heur == VX_HEUR_OVPN_OBFS, "compiled switch %u", comp->heur);
		result("compile_heuristic_on");
	}
	vx_policy_free(&pol);
	rc = parse(&pol, true, j_off, strlen(j_off), &d);
	begin();
	expect(rc == 0 && pol.heur == 0, "rc %d switch %u: %s", rc, pol.heur, d.msg);
	if (!rc && comp) {
		vx_policy_compile(&pol, comp);
		expect(comp->heur == 0, "compiled switch %u", comp->heur);
	}
	result("json_valid_heuristic_off");
	vx_policy_free(&pol);
	bad_json("heuristics_array", "{\"heuristics\":[]}", "$.heuristics", 0,
		 "must be an object");
	bad_json("heuristic_unknown", "{\"heuristics\":{\"dpi\":true}}",
		 "$.heuristics.dpi", 0, "unknown heuristic 'dpi'");
	bad_json("heuristic_not_boolean",
		 "{\"heuristics\":{\"openvpn-obfuscated\":\"on\"}}",
		 "$.heuristics.openvpn-obfuscated", 0, "must be true or false");
	roundtrip("heuristic", "openvpn drop\nheuristic openvpn-obfuscated on\n"
		  "signature openvpn udp 1195\n");

	/* diff: off -> on is one change, shown as the line that comes */
	parse(&pol, false, "openvpn drop\n", 13, &d);
	parse(&on, false, "openvpn drop\nheuristic openvpn-obfuscated on\n", 45, &d);
	f = open_memstream(&dbuf, &dlen);
	changes = f ? vx_policy_diff(f, &pol, &on) : -1;
	if (f)
		fclose(f);
	begin();
	expect(changes == 1, "%ld changes", changes);
	expect(dbuf && !strcmp(dbuf, "+heuristic openvpn-obfuscated on\n"), "diff:\n%s", dbuf);
	result("diff_heuristic_on");
	free(dbuf);
	dbuf = NULL;
	f = open_memstream(&dbuf, &dlen);
	changes = f ? vx_policy_diff(f, &on, &on) : -1;
	if (f)
		fclose(f);
	begin();
	expect(changes == 0 && dbuf && !dbuf[0], "%ld changes: %s", changes, dbuf);
	result("diff_heuristic_same");
	free(dbuf);
	vx_policy_free(&pol);
	vx_policy_free(&on);
	free(comp);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_valid_lines();
	test_text_errors();
	test_json();
	test_compile();
	test_roundtrip();
	test_heuristics();
	test_limits();
	return n_fail ? 1 : 0;
}
