/* record_kind.h — the record registry's fixed vocabularies
 * (research/modules-spec.md §1.1): the kinds of workflow record with their
 * number prefixes and names, which kinds a module serves yet, the kinds of
 * link between records with the kinds each may join, and the roles a CI
 * plays for a record.  One table each, here; messages list them from here.
 * Pure, thread-safe. */
#ifndef OD_RECORD_KIND_H
#define OD_RECORD_KIND_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum od_rkind {
    OD_RK_INCIDENT = 0,
    OD_RK_REQUEST,
    OD_RK_PROBLEM,
    OD_RK_KNOWN_ERROR,
    OD_RK_CHANGE,
    OD_RK_CHANGE_TASK,
    OD_RK_ROUTINE_TASK,
    OD_RK_VULN_ASSESSMENT,
    OD_RK_VULN,
    OD_RK_RISK,
    OD_RK_DJB_SYSTEM,
    OD_RK_PLAN,
    OD_RK_DRILL,
    OD_RK_REPORT,
    OD_RK__COUNT
} od_rkind;

typedef struct od_rkind_def {
    const char *key;    /* "problem" */
    const char *prefix; /* "PRB": numbers PRB-2026-000001 */
    const char *name_zh, *name_en;
    /* a module serves the kind: records of it exist.  A link to a kind not
     * served yet is kept pending (by the number given) until one registers. */
    bool served;
    /* the generic API creates it (POST /api/v1/records); an incident is
     * registered through its own use case only */
    bool generic_create;
} od_rkind_def;

/* The definition, or NULL out of range. */
const od_rkind_def *od_rkind_get(od_rkind k);
/* The kind of an exact key, or -1. */
int od_rkind_parse(const char *s);
/* Every kind key, ", "-separated, for messages. */
const char *od_rkind_keys(void);
/* The record number of seq in year (1..9999) of kind k: "PRB-2026-000001"
 * (6 digits at least).  buf of OD_RECORD_NUMBER_MAX bytes; returns buf. */
#define OD_RECORD_NUMBER_MAX 32
char *od_record_number(od_rkind k, int year, int64_t seq, char buf[OD_RECORD_NUMBER_MAX]);

typedef enum od_rlink {
    OD_RL_CAUSED_BY = 0,
    OD_RL_KNOWN_ERROR_OF,
    OD_RL_FIXED_BY,
    OD_RL_ORIGINATED_FROM,
    OD_RL_DUPLICATE_OF,
    OD_RL_PARENT_OF,
    OD_RL_MITIGATES,
    OD_RL_EXERCISES,
    OD_RL_SIMULATES,
    OD_RL_EVIDENCE_OF,
    OD_RL__COUNT
} od_rlink;

const char *od_rlink_key(od_rlink l); /* "?" out of range */
int od_rlink_parse(const char *s);    /* -1 when unknown */
const char *od_rlink_keys(void);
/* Whether a link of kind l may go from a record of kind `from` to one of
 * kind `to` (same: the same record).  OD_OK, or OD_E_UNPROCESSABLE naming
 * the kinds allowed (field "kind" or "to"); a self-link is refused for
 * every kind.  Table: caused_by incident → problem|change; known_error_of
 * known_error → problem; fixed_by problem|known_error → change;
 * originated_from change → request|problem|incident|vuln; duplicate_of
 * within one kind; parent_of, evidence_of any → any; mitigates
 * change|vuln → risk; exercises drill → plan; simulates drill → incident. */
OD_NODISCARD od_err od_rlink_check(od_rlink l, od_rkind from, od_rkind to, bool same, od_error *e);

typedef enum od_rci_role {
    OD_RCI_AFFECTED = 0,
    OD_RCI_IMPLEMENTED_ON,
    OD_RCI_INSPECTED,
    OD_RCI_EVIDENCE_SOURCE,
    OD_RCI_IN_SCOPE,
    OD_RCI__COUNT
} od_rci_role;

const char *od_rci_role_key(od_rci_role r);
int od_rci_role_parse(const char *s);
const char *od_rci_role_keys(void);

/* A committee member's role: chair, deputy, member. */
int od_committee_role_parse(const char *s);
const char *od_committee_role_key(int r);

#endif
