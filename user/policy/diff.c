// SPDX-License-Identifier: GPL-2.0
/*
 * What a policy push would change, in the canonical text form: rule lines
 * per class (a class that changed is shown whole, because rule order
 * matters), signature and heuristic lines as sets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "policy/policy.h"

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

static bool vx_is_heur(const char *l)
{
	return !strncmp(l, "heuristic ", 10);
}

static bool vx_of_class(const char *l, const char *cls)
{
	size_t n = strlen(cls);

	return !vx_is_sig(l) && !vx_is_heur(l) && !strncmp(l, cls, n) && l[n] == ' ';
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

/* Rule lines: every VPN class whose rules differ, shown whole. */
static size_t vx_diff_rules(FILE *f, char **l1, size_t n1, char **l2, size_t n2)
{
	size_t changes = 0;

	for (int c = 0; c < VX_MAX_CLASS; c++) {
		const char *name = vx_class_name((unsigned int)c);

		if (!VX_CLASS_IS_VPN(c) || vx_class_same(l1, n1, l2, n2, name))
			continue;
		for (size_t i = 0; i < n1; i++)
			if (vx_of_class(l1[i], name))
				fprintf(f, "-%s\n", l1[i]);
		for (size_t i = 0; i < n2; i++)
			if (vx_of_class(l2[i], name))
				fprintf(f, "+%s\n", l2[i]);
		changes++;
	}
	return changes;
}

/* Signature lines never overlap, so their order carries no meaning:
 * compare them as sets; heuristic lines likewise. */
static size_t vx_diff_sigs(FILE *f, char **l1, size_t n1, char **l2, size_t n2)
{
	size_t changes = 0;

	qsort(l1, n1, sizeof(*l1), vx_strcmp);
	qsort(l2, n2, sizeof(*l2), vx_strcmp);
	for (size_t i = 0, k = 0; i < n1 || k < n2; ) {
		int c = i >= n1 ? 1 : k >= n2 ? -1 : strcmp(l1[i], l2[k]);

		if (c == 0) {
			i++;
			k++;
		} else if (c < 0) {
			if (vx_is_sig(l1[i]) || vx_is_heur(l1[i])) {
				fprintf(f, "-%s\n", l1[i]);
				changes++;
			}
			i++;
		} else {
			if (vx_is_sig(l2[k]) || vx_is_heur(l2[k])) {
				fprintf(f, "+%s\n", l2[k]);
				changes++;
			}
			k++;
		}
	}
	return changes;
}

long vx_policy_diff(FILE *f, const struct vx_policy *now,
		    const struct vx_policy *next)
{
	char *b1 = NULL, *b2 = NULL, **l1, **l2;
	size_t n1 = 0, n2 = 0;
	long changes = -1;

	l1 = vx_lines(now, &b1, &n1);
	l2 = vx_lines(next, &b2, &n2);
	if (l1 && l2) {
		changes = (long)vx_diff_rules(f, l1, n1, l2, n2);
		changes += (long)vx_diff_sigs(f, l1, n1, l2, n2);
	}
	free(l1);
	free(l2);
	free(b1);
	free(b2);
	return changes;
}
