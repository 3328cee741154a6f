/* queries_levels.h — migration 0023: an undetermined incident level (seed
 * 000 ch. 7 §1 item 3, 就高原则: set, cleared by a regrade that names the
 * CIs, read with the incident) and the handling department that leads the
 * review (ch. 8 §1). */
#ifndef OD_QUERIES_LEVELS_H
#define OD_QUERIES_LEVELS_H

#define OD_QUERY_LIST_LEVELS(X)                                                                              \
    X(INC_LEVEL_PROV_SET, "UPDATE incidents SET level_provisional = ? WHERE id = ?")                         \
    X(INC_LEVEL_PROV_GET, "SELECT level_provisional FROM incidents WHERE id = ?")                            \
    X(INC_HANDLING_SET, "UPDATE incidents SET handling_department = ? WHERE id = ?")                         \
    X(INC_HANDLING_GET, "SELECT handling_department FROM incidents WHERE id = ?")

#endif
