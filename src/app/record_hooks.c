/* record_hooks.c — see record_hooks.h: the table of post-action hooks. */
#include "app/record_hooks.h"

#include <string.h>

static const od_rec_hook hooks[] = {
    {"drill", od_drill_after_act},
};

od_err od_rec_after_act(od_tx *tx, const od_rec_act_event *ev, od_error *e)
{
    for (size_t i = 0; ev->kind && i < sizeof hooks / sizeof *hooks; i++)
        if (strcmp(hooks[i].kind, ev->kind) == 0 && hooks[i].after_act)
            return hooks[i].after_act(tx, ev, e);
    return OD_OK;
}
