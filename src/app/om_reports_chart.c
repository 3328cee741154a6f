/* om_reports_chart.c — inline SVG bar charts (see om_reports_chart.h). */
#include "app/om_reports_chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define W 640.0
#define H 250.0
#define LEFT 58.0
#define RIGHT 16.0
#define TOP 34.0
#define BOTTOM 40.0
#define TICKS 5

/* The y coordinate of value v (clipped to [lo, hi]). */
static double y_of(const od_chart *c, double v)
{
    if (v < c->lo)
        v = c->lo;
    if (v > c->hi)
        v = c->hi;
    return TOP + (H - TOP - BOTTOM) * (c->hi - v) / (c->hi - c->lo);
}

void od_chart_svg(od_sbuf *b, const od_chart *c, const od_chart_bar *bars, size_t n)
{
    double pw = W - LEFT - RIGHT, base = H - BOTTOM;
    od_sbuf_puts(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"");
    od_sbuf_html(b, c->id);
    od_sbuf_printf(b,
                   "\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                   "font-family=\"Noto Sans CJK SC, sans-serif\" font-size=\"10\">\n<title>",
                   W, H, W, H);
    od_sbuf_html(b, c->title);
    od_sbuf_puts(b, "</title>\n<text x=\"");
    od_sbuf_printf(b, "%.1f\" y=\"16\" font-size=\"12\" font-weight=\"bold\">", LEFT);
    od_sbuf_html(b, c->title);
    od_sbuf_puts(b, "</text>\n");
    /* the y axis: ticks and grid lines */
    for (int t = 0; t <= TICKS; t++) {
        double v = c->lo + (c->hi - c->lo) * t / TICKS, y = y_of(c, v);
        od_sbuf_printf(b,
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.*f",
                       LEFT, y, W - RIGHT, y, LEFT - 4, y + 3, c->decimals, v);
        od_sbuf_html(b, c->unit);
        od_sbuf_puts(b, "</text>\n");
    }
    od_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n", LEFT, TOP,
                   LEFT, base);
    od_sbuf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n", LEFT, base,
                   W - RIGHT, base);
    double slot = n ? pw / (double)n : pw, bw = slot * 0.6;
    for (size_t i = 0; i < n; i++) {
        double x = LEFT + slot * (double)i + (slot - bw) / 2, cx = x + bw / 2;
        if (bars[i].has) {
            double y = y_of(c, bars[i].value);
            od_sbuf_printf(b, "<rect class=\"bar\" data-label=\"");
            od_sbuf_html(b, bars[i].label);
            od_sbuf_printf(b,
                           "\" data-value=\"%.*f\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                           "fill=\"#4a7fc1\"/>"
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"9\">%.*f</text>\n",
                           c->decimals, bars[i].value, x, y, bw, base - y, cx, y - 3, c->decimals,
                           bars[i].value);
        } else {
            od_sbuf_printf(b,
                           "<text class=\"nodata\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">—</text>\n",
                           cx, base - 4);
        }
        od_sbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"9\">", cx,
                       base + 14);
        od_sbuf_html(b, bars[i].label);
        od_sbuf_puts(b, "</text>\n");
    }
    if (c->has_target && c->target >= c->lo && c->target <= c->hi) {
        double y = y_of(c, c->target);
        od_sbuf_printf(b,
                       "<line class=\"target\" data-value=\"%.*f\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                       "y2=\"%.1f\" stroke=\"#c0392b\" stroke-dasharray=\"5,3\"/>"
                       /* the legend: in the title row, right-aligned, clear of the bars */
                       "<line x1=\"%.1f\" y1=\"12\" x2=\"%.1f\" y2=\"12\" stroke=\"#c0392b\" "
                       "stroke-dasharray=\"5,3\"/>"
                       "<text x=\"%.1f\" y=\"16\" text-anchor=\"end\" fill=\"#c0392b\" font-size=\"10\">",
                       c->decimals, c->target, LEFT, y, W - RIGHT, y, W - RIGHT - 24, W - RIGHT,
                       W - RIGHT - 28);
        od_sbuf_html(b, c->target_label);
        od_sbuf_puts(b, "</text>\n");
    }
    od_sbuf_puts(b, "</svg>\n");
}

void od_chart_avail_range(const od_chart_bar *bars, size_t n, double target, double *lo, double *hi)
{
    double m = target;
    for (size_t i = 0; i < n; i++)
        if (bars[i].has && bars[i].value < m)
            m = bars[i].value;
    m = floor((m - 0.1) * 10.0 + 1e-9) / 10.0;
    *lo = m < 0 ? 0 : m;
    *hi = 100.0;
}
