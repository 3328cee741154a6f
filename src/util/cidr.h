/* cidr.h — lists of address ranges given by an administrator ("127.0.0.0/8,
 * ::1/128, 10.1.2.3": comma or space separated, a bare address is one
 * host, host bits must be zero): the internal ranges personal bots may
 * reach (--bot-allow) and the reverse proxies whose X-Forwarded-For is
 * believed (--trusted-proxy).  An IPv4-mapped IPv6 address (::ffff:a.b.c.d)
 * is matched as the IPv4 address.  Pure, no I/O; a list is immutable after
 * parsing, so any thread may read it. */
#ifndef OD_UTIL_CIDR_H
#define OD_UTIL_CIDR_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define OD_CIDR_MAX 64 /* ranges in one list */

typedef struct od_cidr_list od_cidr_list;

/* Parses spec (NULL or "" = an empty list).  OD_E_INVALID with field
 * `field` naming the bad item; OD_E_NOMEM. */
OD_NODISCARD od_err od_cidr_parse(const char *spec, const char *field, od_cidr_list **out, od_error *e);
void od_cidr_free(od_cidr_list *l);
size_t od_cidr_count(const od_cidr_list *l); /* 0 for NULL */
/* True if a range of l holds the address (AF_INET or AF_INET6; NULL l or sa: false). */
bool od_cidr_has(const od_cidr_list *l, const struct sockaddr *sa);
/* The same for an address in text ("10.1.2.3", "::1"); false if it is not one. */
bool od_cidr_has_text(const od_cidr_list *l, const char *addr);

#endif
