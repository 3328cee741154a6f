/* vendor_contact.h — vendor (厂商) and key-customer (重要客户) contacts
 * (seed 000 ch. 9 §4 技术资料保障: the important contacts of vendors and key
 * customers are managed centrally and kept current), and the reporting
 * desks' owners (ch. 7 §2.1 item 3: 接口负责人).  Pure rules; the records
 * are in src/app/contacts.c and src/app/desks.c. */
#ifndef OD_CORE_VENDOR_CONTACT_H
#define OD_CORE_VENDOR_CONTACT_H

#include "core/policy.h"

#include <stdbool.h>

typedef enum od_vc_kind { OD_VC_VENDOR = 0, OD_VC_CUSTOMER, OD_VC__COUNT } od_vc_kind;

const char *od_vc_kind_key(od_vc_kind k);     /* "vendor", "customer" */
const char *od_vc_kind_name_zh(od_vc_kind k); /* 厂商, 重要客户 */
int od_vc_kind_parse(const char *s);          /* -1 when unknown */

/* Whether a contact is told with the first report of an incident of
 * `level`: its own levels (a bit per grade) when it names them
 * (own_set), else the policy's duties.contact_levels. */
bool od_vc_told(const od_policy *p, bool own_set, unsigned own_levels, od_grade level);

/* The reachability rule (ch. 7 §1 item 6 applied to the contacts of ch. 9
 * §4): a contact is reached by phone; one without a phone number is
 * flagged unreachable (an e-mail address alone still gets the notice). */
bool od_vc_unreachable(const char *phone);

#endif
