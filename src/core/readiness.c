/* readiness.c — see readiness.h. */
#include "core/readiness.h"
#include "core/plan.h"

int64_t od_training_window_floor(int64_t now)
{
    return od_plan_add_months(now, -(OD_TRAINING_WINDOW_MONTHS + 1));
}

bool od_training_counts(int64_t at, int64_t now)
{
    return at <= now && now < od_plan_add_months(at, OD_TRAINING_WINDOW_MONTHS);
}

bool od_readiness_qualified(od_roleset roles, od_roleset position_roles, int64_t last_at, int64_t now)
{
    return (roles & position_roles) != 0 && last_at != 0 && od_training_counts(last_at, now);
}

bool od_cert_valid(int64_t issued_at, int64_t expires_at, int64_t now)
{
    return issued_at <= now && (expires_at == 0 || now < expires_at);
}

bool od_cert_expiring(int64_t issued_at, int64_t expires_at, int64_t now, int days)
{
    return expires_at != 0 && od_cert_valid(issued_at, expires_at, now) &&
           expires_at - now <= (int64_t)days * 86400000LL;
}

bool od_readiness_qualified_cert(od_roleset roles, od_roleset position_roles, int64_t last_at,
                                 bool require_cert, bool has_valid_cert, int64_t now)
{
    return od_readiness_qualified(roles, position_roles, last_at, now) && (!require_cert || has_valid_cert);
}

bool od_readiness_gap(int64_t n_qualified, int min_qualified)
{
    return n_qualified < (int64_t)min_qualified;
}

bool od_readiness_hours_short(int64_t minutes, int annual_hours)
{
    return minutes < (int64_t)annual_hours * 60;
}
