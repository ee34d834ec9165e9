// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the policy text parser (user/policy/text.c) and of the
 * compiled default policy (user/policy/model.c).  No root needed.
 *
 * One line per check: "PASS name" or "FAIL name: reason".
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/in.h>

#include "policy/policy.h"
#include "core/names.h"

#include "check.h"

/* Parse @len bytes of @text into a fresh copy of the defaults (after
 * @pre, if any).  The buffer handed to the parser is an exact-size heap
 * copy so that ASan catches reads past its end. */
static int parse(struct vx_policy *pol, const char *pre, const char *text,
		 size_t len, struct vx_diag *d)
{
	char *b = malloc(len ? len : 1);
	int rc;

	vx_policy_init(pol);
	if (pre) {
		struct vx_diag d0;

		if (vx_policy_parse_text(pol, pre, strlen(pre), "pre", &d0) != 0) {
			free(b);
			return -99;
		}
	}
	memcpy(b, text, len);
	rc = vx_policy_parse_text(pol, b, len, "test.policy", d);
	free(b);
	return rc;
}

/* The action a "CLASS ACTION" line gives: its one unconditional rule. */
static int act_of(const struct vx_policy *pol, int c)
{
	const struct vx_classdef *cd = &pol->cls[c];

	if (cd->nrules == 0)
		return VX_ACT_COUNT;
	if (cd->nrules > 1 || cd->rules[0].npfx || cd->rules[0].rate)
		return -1;
	return cd->rules[0].action;
}

static int cact_of(const struct vx_compiled *c, int cls)
{
	const struct vx_class_rules *r = &c->rules[cls];

	return r->nrules ? r->rule[0].action : VX_ACT_COUNT;
}

/* ------------------------------------------------------------- valid */

struct act { int cls, act; };

static void valid(const char *name, const char *text, size_t len,
		  const struct act *want, size_t nwant)
{
	struct vx_policy pol;
	struct vx_diag d;
	int rc;

	rc = parse(&pol, NULL, text, len, &d);
	begin();
	expect(rc == 0, "rc %d: %s:%d:%d: %s", rc, d.file, d.line, d.col, d.msg);
	for (int c = 0; c < VX_MAX_CLASS; c++) {
		int w = VX_ACT_COUNT;

		for (size_t i = 0; i < nwant; i++)
			if (want[i].cls == c)
				w = want[i].act;
		expect(act_of(&pol, c) == w, "class %s: action %d, want %s",
		       vx_class_name((unsigned int)c), act_of(&pol, c),
		       vx_action_names[w]);
	}
	result(ok_now, why, "valid_%s", name);
	vx_policy_free(&pol);
}

#define VALID(name, text, ...)                                                \
	do {                                                                  \
		static const struct act w_[] = { __VA_ARGS__ };              \
		valid(name, text, sizeof(text) - 1, w_,                       \
		      sizeof(w_) / sizeof(w_[0]));                            \
	} while (0)

static void test_valid(void)
{
	static const struct act none[1] = { { -1, 0 } };

	valid("empty_file", "", 0, none, 1);
	valid("only_comments_and_blank_lines", "# a comment\n\n   \n\t\n# another\n",
	      strlen("# a comment\n\n   \n\t\n# another\n"), none, 1);
	VALID("one_statement", "pptp drop\n", { VX_C_PPTP, VX_ACT_DROP });
	VALID("comments_blank_lines_around",
	      "# vpnxdp policy\n\n# weak protocols\npptp drop\n\nl2tp drop\n# end\n",
	      { VX_C_PPTP, VX_ACT_DROP }, { VX_C_L2TP, VX_ACT_DROP });
	VALID("crlf_line_ends", "pptp drop\r\nl2tp pass\r\n\r\n# x\r\n",
	      { VX_C_PPTP, VX_ACT_DROP }, { VX_C_L2TP, VX_ACT_PASS });
	VALID("tabs_and_spaces", "\tpptp\t\tdrop\t\n   l2tp  \t pass   \n",
	      { VX_C_PPTP, VX_ACT_DROP }, { VX_C_L2TP, VX_ACT_PASS });
	VALID("trailing_comment_after_space", "pptp drop # weak, RFC 2637\n",
	      { VX_C_PPTP, VX_ACT_DROP });
	VALID("trailing_comment_glued", "pptp drop#weak\nesp pass#x\n",
	      { VX_C_PPTP, VX_ACT_DROP }, { VX_C_ESP, VX_ACT_PASS });
	VALID("utf8_in_comments", "# h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80\nopenvpn drop\n",
	      { VX_C_OPENVPN, VX_ACT_DROP });
	VALID("every_vpn_class_and_action",
	      "wireguard drop\nopenvpn pass\nike count\nesp drop\nah pass\n"
	      "l2tp drop\npptp drop\nsstp pass\nlightway drop\n",
	      { VX_C_WIREGUARD, VX_ACT_DROP }, { VX_C_OPENVPN, VX_ACT_PASS },
	      { VX_C_IKE, VX_ACT_COUNT }, { VX_C_ESP, VX_ACT_DROP },
	      { VX_C_AH, VX_ACT_PASS }, { VX_C_L2TP, VX_ACT_DROP },
	      { VX_C_PPTP, VX_ACT_DROP }, { VX_C_SSTP, VX_ACT_PASS },
	      { VX_C_LIGHTWAY, VX_ACT_DROP });

	/* Parsed on top of what the policy already says */
	{
		struct vx_policy pol;
		struct vx_diag d;
		int rc = parse(&pol, "pptp drop\n", "l2tp pass\n", 10, &d);

		begin();
		expect(rc == 0, "rc %d: %s", rc, d.msg);
		expect(act_of(&pol, VX_C_PPTP) == VX_ACT_DROP, "pptp %d",
		       act_of(&pol, VX_C_PPTP));
		expect(act_of(&pol, VX_C_L2TP) == VX_ACT_PASS, "l2tp %d",
		       act_of(&pol, VX_C_L2TP));
		result(ok_now, why, "valid_parse_on_top_of_existing_actions");
		vx_policy_free(&pol);
	}
	/* Parsing does not touch the signatures */
	{
		struct vx_policy pol, ref;
		struct vx_diag d;
		int rc = parse(&pol, NULL, "wireguard drop\n", 15, &d);

		vx_policy_init(&ref);
		begin();
		expect(rc == 0, "rc %d", rc);
		expect(pol.nsigs == ref.nsigs &&
		       memcmp(pol.sigs, ref.sigs, ref.nsigs * sizeof(*ref.sigs)) == 0,
		       "signatures changed (%zu vs %zu)", pol.nsigs, ref.nsigs);
		result(ok_now, why, "valid_parse_leaves_signatures_alone");
		vx_policy_free(&pol);
		vx_policy_free(&ref);
	}
}

/* ------------------------------------------------------------- errors */

static void bad(const char *name, const char *text, size_t len, int line, int col,
		const char *substr)
{
	struct vx_policy pol, ref;
	struct vx_diag d;
	int rc;

	/* A failed parse leaves a model the caller throws away (the policy in
	 * force is never touched: tests/e2e checks that); the signatures
	 * table of built-ins must still be intact. */
	rc = parse(&pol, "esp drop\nah pass\n", text, len, &d);
	vx_policy_init(&ref);
	begin();
	expect(rc == -1, "rc %d, want -1 (error)", rc);
	expect(d.line == line && d.col == col, "at %d:%d, want %d:%d (%s)", d.line,
	       d.col, line, col, d.msg);
	expect(strstr(d.msg, substr) != NULL, "message '%s' lacks '%s'", d.msg,
	       substr);
	expect(strcmp(d.file, "test.policy") == 0, "file '%s'", d.file);
	expect(act_of(&pol, VX_C_ESP) == VX_ACT_DROP && act_of(&pol, VX_C_AH) == VX_ACT_PASS,
	       "rules of the earlier parse lost");
	expect(pol.nsigs == ref.nsigs &&
	       memcmp(pol.sigs, ref.sigs, ref.nsigs * sizeof(*ref.sigs)) == 0,
	       "signatures changed by a failed parse");
	result(ok_now, why, "error_%s_at_%d_%d", name, line, col);
	vx_policy_free(&pol);
	vx_policy_free(&ref);
}

#define BAD(name, text, line, col, sub) bad(name, text, sizeof(text) - 1, line, col, sub)

static void test_errors(void)
{
	BAD("unknown_class", "foo drop\n", 1, 1, "unknown class 'foo'");
	BAD("unknown_class_indented_line3", "pptp drop\n\n  wireguards count\n", 3, 3,
	    "unknown class 'wireguards'");
	BAD("unknown_class_case_sensitive", "PPTP drop\n", 1, 1, "unknown class 'PPTP'");
	BAD("unknown_class_after_crlf", "pptp drop\r\nbogus drop\r\n", 2, 1,
	    "unknown class 'bogus'");
	BAD("unknown_action", "pptp block\n", 1, 6, "unknown action 'block'");
	BAD("unknown_action_tabbed", "l2tp\t\tDROP\n", 1, 7, "unknown action 'DROP'");
	BAD("missing_action", "pptp\n", 1, 5, "expected an action after 'pptp'");
	BAD("missing_action_before_comment", "# x\n  l2tp # no action\n", 2, 7,
	    "expected an action after 'l2tp'");
	BAD("truncated_no_final_newline", "pptp drop\nike", 2, 4,
	    "no newline at the end of the file (truncated?)");
	BAD("truncated_stdin_like", "wireguard pass", 1, 15, "truncated?");
	BAD("truncated_after_crlf", "ike drop\r\nah pass", 2, 8, "truncated?");
	BAD("truncated_comment_last", "pptp drop\n# last", 2, 7, "truncated?");
	BAD("missing_action_crlf", "ike\r\n", 1, 4, "expected an action after 'ike'");
	BAD("extra_word", "pptp drop now\n", 1, 11, "unexpected 'now' after the action");
	BAD("extra_word_tabs", "pptp\tdrop\tcount\n", 1, 11,
	    "unexpected 'count' after the action");
	BAD("duplicate_class", "pptp drop\n\npptp count\n", 3, 1,
	    "rule can never match: an earlier pptp rule (#1) already matches every source");
	BAD("duplicate_class_same_action", "# c\nl2tp drop\n l2tp drop\n", 3, 2,
	    "rule can never match: an earlier l2tp rule (#1)");
	BAD("other_given_action", "other drop\n", 1, 1, "class 'other' takes no action");
	BAD("other_given_count", "pptp drop\nother count\n", 2, 1,
	    "class 'other' takes no action");
	BAD("fragment_given_action", "  fragment drop\n", 1, 3,
	    "class 'fragment' takes no action");
	BAD("fragment_given_pass", "fragment pass\n", 1, 1, "class 'fragment' takes no action");
	BAD("invalid_utf8_ff", "pptp drop\nl2tp \xff drop\n", 2, 6, "not valid UTF-8");
	BAD("invalid_utf8_in_comment", "pptp drop # caf\xe9\n", 1, 16, "not valid UTF-8");
	BAD("invalid_utf8_overlong_slash", "pptp drop\n\xc0\xaf\n", 2, 1, "not valid UTF-8");
	BAD("invalid_utf8_surrogate", "# \xed\xa0\x80\n", 1, 3, "not valid UTF-8");
	BAD("invalid_utf8_above_10ffff", "# \xf4\x90\x80\x80\n", 1, 3, "not valid UTF-8");
	BAD("invalid_utf8_truncated_at_end", "pptp drop # \xe2\x82\n", 1, 13,
	    "not valid UTF-8");
	BAD("invalid_utf8_lone_continuation", "\x80pptp drop\n", 1, 1, "not valid UTF-8");
	BAD("nul_byte_line_start", "pptp drop\n\0\n", 2, 1, "NUL byte");
	BAD("nul_byte_mid_line", "pptp\0drop\n", 1, 5, "NUL byte");
	BAD("nul_byte_at_end", "pptp drop\n# x\n\0\n", 3, 1, "NUL byte");
	/* the error is the first one in the file, later lines unread */
	BAD("first_error_wins", "pptp drop\nfoo drop\nbar drop\n", 2, 1, "unknown class 'foo'");
	/* a valid line before the error is not applied either */
	BAD("valid_lines_before_error_not_applied", "wireguard drop\nl2tp drop extra\n",
	    2, 11, "unexpected 'extra'");
}

/* ------------------------------------------------------------- compile */

static void test_compile_defaults(void)
{
	static struct vx_compiled c;
	struct vx_policy pol;
	static const struct {
		const char *name;
		int l4;
		unsigned int port, cls, flags;
	} sigs[] = {
		{ "udp_51820_wireguard", VX_L4_UDP, 51820, VX_C_WIREGUARD, 0 },
		{ "udp_1194_openvpn", VX_L4_UDP, 1194, VX_C_OPENVPN, 0 },
		{ "tcp_1194_openvpn", VX_L4_TCP, 1194, VX_C_OPENVPN, 0 },
		{ "udp_500_ike", VX_L4_UDP, 500, VX_C_IKE, 0 },
		{ "udp_4500_ike_natt", VX_L4_UDP, 4500, VX_C_IKE, VX_SIG_NATT },
		{ "udp_1701_l2tp", VX_L4_UDP, 1701, VX_C_L2TP, 0 },
		{ "tcp_1723_pptp", VX_L4_TCP, 1723, VX_C_PPTP, 0 },
		{ "tcp_443_nothing_sstp_off", VX_L4_TCP, 443, 0, 0 },
		{ "udp_443_nothing", VX_L4_UDP, 443, 0, 0 },
		{ "tcp_51820_nothing", VX_L4_TCP, 51820, 0, 0 },
		{ "udp_53_nothing", VX_L4_UDP, 53, 0, 0 },
		{ "udp_0_nothing", VX_L4_UDP, 0, 0, 0 },
		{ "udp_65535_nothing", VX_L4_UDP, 65535, 0, 0 },
	};

	vx_policy_init(&pol);
	memset(&c, 0xaa, sizeof(c));
	vx_policy_compile(&pol, &c);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		const struct vx_sig *s = &c.sigs[sigs[i].l4][sigs[i].port];

		begin();
		expect(s->cls == sigs[i].cls, "class %u, want %u", s->cls, sigs[i].cls);
		expect(s->flags == sigs[i].flags, "flags %#x, want %#x", s->flags,
		       sigs[i].flags);
		result(ok_now, why, "compile_default_%s", sigs[i].name);
	}
	{
		static const struct { int proto; unsigned int cls; } pr[] = {
			{ IPPROTO_GRE, VX_C_PPTP }, { IPPROTO_ESP, VX_C_ESP },
			{ IPPROTO_AH, VX_C_AH }, { IPPROTO_UDP, 0 }, { IPPROTO_TCP, 0 },
			{ IPPROTO_ICMP, 0 }, { 0, 0 }, { 255, 0 },
		};

		for (size_t i = 0; i < sizeof(pr) / sizeof(pr[0]); i++) {
			begin();
			expect(c.protos[pr[i].proto] == pr[i].cls, "class %u, want %u",
			       c.protos[pr[i].proto], pr[i].cls);
			result(ok_now, why, "compile_default_proto_%d_%s", pr[i].proto,
			       pr[i].cls ? vx_class_name(pr[i].cls) : "nothing");
		}
	}
	begin();
	for (int k = 0; k < VX_MAX_CLASS; k++)
		expect(c.rules[k].nrules == 0 && c.rules[k].flags == 0,
		       "class %d has %u rules", k, c.rules[k].nrules);
	result(ok_now, why, "compile_default_actions_all_count");

	/* Nothing on ports no default names (the memset 0xaa is all gone) */
	begin();
	{
		size_t n = 0;

		for (int l4 = 0; l4 < VX_NL4; l4++)
			for (unsigned int p = 0; p < VX_SIG_PORTS; p++)
				if (c.sigs[l4][p].cls >= VX_NCLASS ||
				    (c.sigs[l4][p].cls == 0 && c.sigs[l4][p].flags))
					n++;
		expect(n == 0, "%zu port entries with garbage", n);
	}
	result(ok_now, why, "compile_clears_every_port_entry");
	vx_policy_free(&pol);

	/* Fail open: other and fragment are never drop, whatever the model */
	vx_policy_init(&pol);
	pol.cls[VX_C_OTHER].nrules = 1;
	pol.cls[VX_C_OTHER].rules[0].action = VX_ACT_DROP;
	pol.cls[VX_C_FRAGMENT] = pol.cls[VX_C_OTHER];
	pol.cls[VX_C_PPTP] = pol.cls[VX_C_OTHER];
	vx_policy_compile(&pol, &c);
	begin();
	expect(c.rules[VX_C_OTHER].nrules == 0, "other has rules");
	expect(c.rules[VX_C_FRAGMENT].nrules == 0, "fragment has rules");
	expect(cact_of(&c, VX_C_PPTP) == VX_ACT_DROP, "pptp %d", cact_of(&c, VX_C_PPTP));
	result(ok_now, why, "compile_other_and_fragment_never_drop");
	vx_policy_free(&pol);

	/* Compile of a parsed policy carries its actions */
	{
		struct vx_diag d;
		const char *t = "pptp drop\nl2tp pass\n";
		int rc;

		vx_policy_init(&pol);
		rc = vx_policy_parse_text(&pol, t, strlen(t), "t", &d);
		vx_policy_compile(&pol, &c);
		begin();
		expect(rc == 0, "rc %d", rc);
		expect(cact_of(&c, VX_C_PPTP) == VX_ACT_DROP &&
		       cact_of(&c, VX_C_L2TP) == VX_ACT_PASS &&
		       cact_of(&c, VX_C_WIREGUARD) == VX_ACT_COUNT,
		       "actions pptp %d l2tp %d wireguard %d", cact_of(&c, VX_C_PPTP),
		       cact_of(&c, VX_C_L2TP), cact_of(&c, VX_C_WIREGUARD));
		expect(c.sigs[VX_L4_TCP][1723].cls == VX_C_PPTP, "signatures lost");
		result(ok_now, why, "compile_parsed_policy_actions");
		vx_policy_free(&pol);
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_valid();
	test_errors();
	test_compile_defaults();
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	return n_fail ? 1 : 0;
}
