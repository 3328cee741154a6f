/* om_reports_chart.h — inline SVG bar charts of the O&M report's HTML (R-SLA-2;
 * modules-spec §1.10 "charts rendered" in the print view): drawn on the
 * server, so the report prints with its charts without a browser script.
 * A minimal bar chart written here (docs/service-levels.md says why no
 * Debian chart library is used): bars from `lo` to each value, the y axis
 * with 5 ticks, an optional dashed target line, a label under each bar and
 * the value over it.  Every bar carries data-label and data-value (the
 * number drawn) so tests read the chart back. */
#ifndef OD_APP_OM_REPORTS_CHART_H
#define OD_APP_OM_REPORTS_CHART_H

#include "util/sbuf.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct od_chart_bar {
    const char *label; /* under the bar */
    double value;      /* in the chart's unit */
    bool has;          /* false: no data (no bar; "—" is shown) */
} od_chart_bar;

typedef struct od_chart {
    const char *id;    /* the svg element's id */
    const char *title; /* shown above the plot */
    const char *unit;  /* e.g. "%", "h" */
    int decimals;      /* of the values shown over the bars and on the axis */
    double lo, hi;     /* the y range (hi > lo); values are clipped to it */
    bool has_target;
    double target; /* the dashed line */
    const char *target_label;
} od_chart;

/* Appends <svg …>…</svg> (UTF-8, text XML-escaped) to b. */
void od_chart_svg(od_sbuf *b, const od_chart *c, const od_chart_bar *bars, size_t n);

/* A y range for availability percentages: hi = 100, lo = the lowest value
 * or target less 0.1, rounded down to 0.1 (at least 0). */
void od_chart_avail_range(const od_chart_bar *bars, size_t n, double target, double *lo, double *hi);

#endif
