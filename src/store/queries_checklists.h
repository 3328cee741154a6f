/* queries_checklists.h — what a failed checklist item opens (migration
 * 0012 checklist_results.finding_record_id; src/app/checklist_findings.c):
 * the record a result already opened, and the result pointed at it. */
#ifndef OD_QUERIES_CHECKLISTS_H
#define OD_QUERIES_CHECKLISTS_H

#define OD_QUERY_LIST_CHECKLISTS(X)                                                                          \
    X(CKLF_GET, "SELECT COALESCE(x.finding_record_id, 0), COALESCE(r.number, '') FROM checklist_results x "  \
                "LEFT JOIN records r ON r.id = x.finding_record_id WHERE x.instance_id = ? AND "             \
                "x.item_key = ?")                                                                            \
    X(CKLF_SET, "UPDATE checklist_results SET finding_record_id = ?, finding = ? WHERE instance_id = ? "     \
                "AND item_key = ?")                                                                          \
    /* the texts of an instance's items as it opened, placeholders expanded (migration 0036) */              \
    X(CKLT_SET, "UPDATE checklist_instances SET texts = ? WHERE id = ?")                                     \
    X(CKLT_CI_NAMES,                                                                                         \
      "SELECT c.name FROM record_cis rc JOIN cis c ON c.id = rc.ci_id WHERE rc.record_id = ? "               \
      "ORDER BY c.id")

#endif
