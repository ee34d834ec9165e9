/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus' text exposition format, version 0.0.4, onto a stdio stream
 * (the exporter writes into open_memstream(), so memory and errors are
 * stdio's: ferror() at the end says whether it all went out).
 *
 * A metric family is one block: "# HELP", "# TYPE", then all its samples;
 * the format forbids a family's samples elsewhere, so callers write family
 * by family.  Label values escape \ " and newline; HELP text \ and newline.
 */
#ifndef VX_EXPORT_EXPO_H
#define VX_EXPORT_EXPO_H

#include <stdio.h>
#include <linux/types.h>

enum vx_mtype { VX_COUNTER, VX_GAUGE };

/* "# HELP name help" and "# TYPE name type". */
void vx_expo_family(FILE *f, const char *name, enum vx_mtype t, const char *help);

/*
 * One sample: name{k1="v1",...} value.  @labels: NULL, or alternating
 * label names (fixed identifiers, written as they are) and values
 * (escaped), ended by NULL.
 */
void vx_expo_u64(FILE *f, const char *name, const char *const *labels, __u64 v);
void vx_expo_f64(FILE *f, const char *name, const char *const *labels, double v);

/* A label list in place: VX_LABELS("interface", name, "class", cls). */
#define VX_LABELS(...) ((const char *const[]){ __VA_ARGS__, NULL })

#endif
