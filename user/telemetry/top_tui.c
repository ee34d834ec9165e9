// SPDX-License-Identifier: GPL-2.0
/*
 * vpnxdp top's full-screen view (ncursesw).  The terminal is given back on
 * every way out: q, Ctrl-C, SIGTERM/SIGHUP (the reader's handler sets
 * t->stop, the loop sees it within 100 ms), errors, and exit() through an
 * atexit handler.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curses.h>

#include "core/names.h"
#include "core/exit.h"
#include "core/log.h"
#include "telemetry/top.h"

enum vx_sort { VX_SORT_PPS, VX_SORT_BPS, VX_SORT_DPS, VX_SORT_TOTAL,
	       VX_SORT_NAME, VX_NSORT };

static const char *const vx_sort_names[VX_NSORT] = {
	"pps", "bit/s", "drops/s", "total", "class",
};

struct vx_tui {
	struct vx_top *t;
	enum vx_sort sort;
	bool paused, help, utf8;
	int sel, scroll;
	int order[VX_NCLASS], nrows;
};

static bool vx_tui_active;

static void vx_tui_restore(void)
{
	if (vx_tui_active) {
		endwin();
		vx_tui_active = false;
	}
}

/* 1234567 -> "1.23M" in 7 columns. */
static void vx_si(char *buf, size_t len, double v)
{
	static const char unit[] = " kMGTP";
	int u = 0;

	while (v >= 1000 && u < 5) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.*f%c", v < 10 ? 2 : v < 100 ? 1 : 0, v, unit[u]);
}

static struct vx_tui *vx_cmp_ctx;

static int vx_row_cmp(const void *a, const void *b)
{
	const struct vx_top_row *ra = &vx_cmp_ctx->t->row[*(const int *)a];
	const struct vx_top_row *rb = &vx_cmp_ctx->t->row[*(const int *)b];
	double x = 0, y = 0;

	switch (vx_cmp_ctx->sort) {
	case VX_SORT_PPS: x = ra->pps; y = rb->pps; break;
	case VX_SORT_BPS: x = ra->bps; y = rb->bps; break;
	case VX_SORT_DPS: x = ra->dps; y = rb->dps; break;
	case VX_SORT_TOTAL: x = (double)ra->total; y = (double)rb->total; break;
	default:
		return *(const int *)a - *(const int *)b;
	}
	if (x != y)
		return x < y ? 1 : -1;
	return *(const int *)a - *(const int *)b;
}

/* Rows: classes that have had traffic since top started. */
static void vx_tui_order(struct vx_tui *u)
{
	u->nrows = 0;
	for (int c = 0; c < VX_NCLASS; c++)
		if (u->t->row[c].total || u->t->row[c].pps)
			u->order[u->nrows++] = c;
	vx_cmp_ctx = u;
	qsort(u->order, (size_t)u->nrows, sizeof(int), vx_row_cmp);
	if (u->sel >= u->nrows)
		u->sel = u->nrows ? u->nrows - 1 : 0;
}

static void vx_spark(const struct vx_tui *u, const struct vx_top_row *r,
		     int width)
{
	static const char *const blocks[8] = {
		"\u2581", "\u2582", "\u2583", "\u2584",
		"\u2585", "\u2586", "\u2587", "\u2588",
	};
	static const char ascii[] = "_.-~=+*#";
	unsigned int n = u->t->hpos < VX_HIST ? u->t->hpos : VX_HIST;
	double max = 0;

	if (width > VX_HIST)
		width = VX_HIST;
	if (n > (unsigned int)width)
		n = (unsigned int)width;
	for (unsigned int k = 0; k < n; k++) {
		double v = r->hist[(u->t->hpos - 1 - k) % VX_HIST];

		if (v > max)
			max = v;
	}
	/* oldest first, newest at the right */
	for (unsigned int k = n; k-- > 0;) {
		double v = r->hist[(u->t->hpos - 1 - k) % VX_HIST];
		int lvl = max > 0 ? (int)(v / max * 7.999) : 0;

		if (v <= 0) {
			addch(' ');
			continue;
		}
		if (u->utf8)
			addstr(blocks[lvl]);
		else
			addch((chtype)ascii[lvl]);
	}
}

static void vx_tui_help(void)
{
	static const char *const lines[] = {
		"vpnxdp top: keys",
		"",
		"  q        quit",
		"  s        sort by the next column (pps, bit/s, drops/s, total, class)",
		"  p        pause / resume the display (reading goes on)",
		"  up/down  move the selection",
		"  h, ?     this help (any key closes it)",
		"",
		"Rates come from the per-CPU rate records of the XDP program,",
		"one interval late at most; 'lost' counts records a full ring",
		"could not take (attach --ring-size makes it bigger).",
	};
	erase();
	for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++)
		mvaddnstr((int)k + 1, 2, lines[k], COLS - 3);
}

static void vx_tui_draw(struct vx_tui *u)
{
	struct vx_top *t = u->t;
	char a[32], b[32], c[32], line[512];
	int y = 0, pos = 0, rows_room, spark_w;

	if (u->help) {
		vx_tui_help();
		refresh();
		return;
	}
	erase();
	pos = snprintf(line, sizeof(line), "vpnxdp top  ");
	for (int k = 0; k < t->reader.n && pos < (int)sizeof(line) - 40; k++) {
		const struct vx_reader_if *i = &t->reader.ifs[k];

		pos += snprintf(line + pos, sizeof(line) - (size_t)pos, "%s%s (%s, %u ms)%s",
				k ? ", " : "", i->pins.ifname,
				vx_xdp_mode_name(i->meta.mode), i->meta.interval_ms,
				i->gone ? " GONE" : "");
	}
	attron(A_BOLD);
	mvaddnstr(y++, 0, line, COLS);
	attroff(A_BOLD);
	vx_si(a, sizeof(a), t->tot_pps);
	vx_si(b, sizeof(b), t->tot_bps);
	vx_si(c, sizeof(c), t->tot_dps);
	snprintf(line, sizeof(line),
		 "total %s pps  %sbit/s  drops %s/s  ring records lost %llu  sort: %s%s",
		 a, b, c, (unsigned long long)t->lost, vx_sort_names[u->sort],
		 u->paused ? "  [PAUSED]" : "");
	mvaddnstr(y++, 0, line, COLS);
	y++;
	attron(A_REVERSE);
	snprintf(line, sizeof(line), " %-11s %9s %10s %9s %6s %12s  %-s",
		 "CLASS", "PPS", "BIT/S", "DROPS/S", "SHARE", "TOTAL",
		 "LAST 60 INTERVALS (pps)");
	mvhline(y, 0, ' ', COLS);
	mvaddnstr(y++, 0, line, COLS);
	attroff(A_REVERSE);

	rows_room = LINES - y - 1;
	if (u->sel < u->scroll)
		u->scroll = u->sel;
	if (rows_room > 0 && u->sel >= u->scroll + rows_room)
		u->scroll = u->sel - rows_room + 1;
	spark_w = COLS - 68;
	if (u->nrows == 0)
		mvaddnstr(y, 0, "(no traffic seen yet)", COLS);
	for (int k = u->scroll; k < u->nrows && y < LINES - 1; k++) {
		int cls = u->order[k];
		const struct vx_top_row *r = &t->row[cls];
		double share = t->tot_pps > 0 ? r->pps * 100 / t->tot_pps : 0;
		char d[32];

		vx_si(a, sizeof(a), r->pps);
		vx_si(b, sizeof(b), r->bps);
		vx_si(c, sizeof(c), r->dps);
		snprintf(d, sizeof(d), "%llu", (unsigned long long)r->total);
		/* '>' marks the selection for terminals without reverse
		 * video (and for scripts reading the screen). */
		snprintf(line, sizeof(line), "%c%-11s %9s %10s %9s %5.1f%% %12s  ",
			 k == u->sel ? '>' : ' ',
			 vx_class_name((unsigned int)cls), a, b, c, share, d);
		if (k == u->sel)
			attron(A_REVERSE);
		mvaddnstr(y, 0, line, COLS);
		if (k == u->sel)
			attroff(A_REVERSE);
		if (spark_w > 0)
			vx_spark(u, r, spark_w);
		y++;
	}
	mvaddnstr(LINES - 1, 0, "q quit  s sort  p pause  arrows move  h help", COLS);
	refresh();
}

/* One key: false when it quits. */
static bool vx_tui_key(struct vx_tui *u, int ch)
{
	switch (ch) {
	case 'q':
	case 'Q':
		return false;
	case 's':
	case 'S':
		u->sort = (u->sort + 1) % VX_NSORT;
		break;
	case 'p':
	case 'P':
		u->paused = !u->paused;
		break;
	case 'h':
	case 'H':
	case '?':
		u->help = true;
		break;
	case KEY_UP:
		if (u->sel > 0)
			u->sel--;
		break;
	case KEY_DOWN:
		if (u->sel + 1 < u->nrows)
			u->sel++;
		break;
	case KEY_RESIZE:
		clear();
		break;
	default:
		break;
	}
	return true;
}

static bool vx_tui_start(struct vx_tui *u)
{
	setlocale(LC_ALL, "");
	u->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	if (!initscr()) {
		vx_err("top: cannot initialise the terminal");
		return false;
	}
	vx_tui_active = true;
	atexit(vx_tui_restore);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	vx_tui_order(u);
	vx_tui_draw(u);
	return true;
}

int vx_tui_run(struct vx_top *t)
{
	struct vx_tui u = { .t = t };
	int ret = VX_EXIT_OK;

	if (!vx_tui_start(&u))
		return VX_EXIT_SYSTEM;
	while (!*t->stop) {
		enum vx_step s;
		int ch;

		/* Wake for keys, for the next interval, and at least every
		 * 100 ms to notice signals. */
		timeout(vx_top_wait_ms(t, 100));
		ch = getch();
		if (*t->stop)
			break;
		if (ch != ERR && u.help && ch != KEY_RESIZE) {
			u.help = false;
			ch = ERR;
			vx_tui_draw(&u);
		}
		if (!vx_tui_key(&u, ch))
			break;
		s = vx_top_step(t);
		if (s == VX_STEP_ERR) {
			ret = VX_EXIT_SYSTEM;
			break;
		}
		if (s == VX_STEP_DONE)
			break;
		if (s == VX_STEP_GONE) {
			ret = VX_EXIT_INPUT;
			break;
		}
		if (ch == ERR && (s == VX_STEP_IDLE || u.paused))
			continue;
		if (!u.paused)
			vx_tui_order(&u);
		vx_tui_draw(&u);
	}
	vx_tui_restore();
	return ret;
}
