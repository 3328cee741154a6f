/* notify_rules.c — recipients and channels (notify_rules.h).  Pure. */
#include "core/notify_rules.h"

#include <string.h>

od_audience od_first_report_audience(const od_recipients *r)
{
    od_audience a = {.anywhere = r->roles,
                     .own_department = r->owning_department_heads ? OD_ROLEBIT(OD_ROLE_DEPARTMENT_HEAD) : 0};
    for (size_t i = 0; i < r->n_heads_of && i < OD_FIXED_DEPTS_MAX; i++)
        if (r->heads_of[i][0])
            a.named[a.n_named++] = r->heads_of[i];
    if (a.n_named)
        a.named_department = OD_ROLEBIT(OD_ROLE_DEPARTMENT_HEAD);
    return a;
}

od_roleset od_audience_roles(const od_audience *a)
{
    return a->anywhere | a->own_department | a->named_department;
}

od_audience od_incident_opened_audience(void)
{
    od_audience a = {.anywhere = OD_ROLEBIT(OD_ROLE_MONITORING_ENGINEER),
                     .own_department = OD_ROLEBIT(OD_ROLE_OPS_ENGINEER)};
    return a;
}

bool od_later_reports_reach(const char *outbox_kind)
{
    static const char *const kinds[] = {"first", "second",     "progress",
                                        "final", "escalation", "handling_changed"};
    for (size_t i = 0; outbox_kind && i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(kinds[i], outbox_kind) == 0)
            return true;
    return false;
}

static bool listed(const char *s, const char *const *v, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (v[i] && strcmp(v[i], s) == 0)
            return true;
    return false;
}

bool od_scope_covers(const od_person *u, const char *const *departments, size_t n_departments)
{
    if (u->n_scopes == 0)
        return true;
    for (size_t i = 0; i < n_departments; i++)
        if (listed(departments[i], u->scopes, u->n_scopes))
            return true;
    return false;
}

bool od_recipient_selected(const od_audience *a, const od_person *u, const char *const *departments,
                           size_t n_departments)
{
    bool by_role = (u->roles & a->anywhere) != 0;
    bool by_dept = (u->roles & a->own_department) != 0 && u->department && u->department[0] &&
                   listed(u->department, departments, n_departments);
    bool by_name = (u->roles & a->named_department) != 0 && u->department && u->department[0] &&
                   listed(u->department, a->named, a->n_named);
    return (by_role || by_dept || by_name) && od_scope_covers(u, departments, n_departments);
}

unsigned od_contact_channels(unsigned policy_channels, const od_contact *c)
{
    unsigned want = c->choice >= 0 ? (unsigned)c->choice : policy_channels;
    unsigned have = (c->phone ? OD_CONTACT_SMS : 0u) | (c->email ? OD_CONTACT_EMAIL : 0u) |
                    (c->bot ? OD_CONTACT_BOT : 0u);
    unsigned out = want & have;
    return out ? out : OD_CONTACT_INBOX;
}

unsigned od_contact_parse(const char *word)
{
    if (!word)
        return 0;
    if (strcmp(word, "sms") == 0)
        return OD_CONTACT_SMS;
    if (strcmp(word, "email") == 0)
        return OD_CONTACT_EMAIL;
    if (strcmp(word, "bot") == 0)
        return OD_CONTACT_BOT;
    return 0;
}
