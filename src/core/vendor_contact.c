/* vendor_contact.c — vendor and key-customer contacts (vendor_contact.h).  Pure. */
#include "core/vendor_contact.h"

#include "core/keys.h"

static const char *const kind_keys[OD_VC__COUNT] = {"vendor", "customer"};
static const char *const kind_zh[OD_VC__COUNT] = {"厂商", "重要客户"};

const char *od_vc_kind_key(od_vc_kind k)
{
    return od_key_name(kind_keys, OD_VC__COUNT, (int)k);
}

const char *od_vc_kind_name_zh(od_vc_kind k)
{
    return od_key_name(kind_zh, OD_VC__COUNT, (int)k);
}

int od_vc_kind_parse(const char *s)
{
    return od_key_parse(kind_keys, OD_VC__COUNT, s);
}

bool od_vc_told(const od_policy *p, bool own_set, unsigned own_levels, od_grade level)
{
    if ((unsigned)level >= OD_GRADE__COUNT)
        return false;
    unsigned set = own_set ? own_levels : p->duties.contact_levels;
    return (set >> level) & 1u;
}

bool od_vc_unreachable(const char *phone)
{
    if (!phone)
        return true;
    for (; *phone; phone++)
        if (*phone != ' ' && *phone != '\t')
            return false;
    return true;
}
