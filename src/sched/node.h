/* node.h — this node's heartbeat thread (docs/deploy/cluster.md): it has app
 * write the node's row every OD_NODE_HEARTBEAT_MS, which also measures the
 * clock offset against the database and keeps the node's lease.  Its own
 * thread, so a long firing pass of the scheduler never delays a heartbeat. */
#ifndef OD_SCHED_NODE_H
#define OD_SCHED_NODE_H

#include "app/app.h"

typedef struct od_node_runner od_node_runner;

OD_NODISCARD od_err od_node_runner_start(od_app *a, od_node_runner **out, od_error *e);
void od_node_runner_stop(od_node_runner *r); /* NULL-safe; joins the thread */

#endif
