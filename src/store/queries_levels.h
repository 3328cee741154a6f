/* queries_levels.h — the statements of an undetermined incident level
 * (seed 000 ch. 7 §1 item 3, 就高原则; migration 0023): set, cleared by a
 * regrade that names the CIs, read with the incident. */
#ifndef OD_QUERIES_LEVELS_H
#define OD_QUERIES_LEVELS_H

#define OD_QUERY_LIST_LEVELS(X)                                                                              \
    X(INC_LEVEL_PROV_SET, "UPDATE incidents SET level_provisional = ? WHERE id = ?")                         \
    X(INC_LEVEL_PROV_GET, "SELECT level_provisional FROM incidents WHERE id = ?")

#endif
