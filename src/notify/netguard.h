/* netguard.h — where a personal bot may send (probe M9: a bot URL must not
 * reach the server's own network).  Any authenticated person may set a
 * personal bot URL (the directory), so its destination is checked twice:
 * when the URL is set (its host, if it is an address literal or a name of
 * this machine) and when a message is sent, on the address the name
 * RESOLVED to (channel_http.c refuses the socket), which also defeats DNS
 * rebinding.  Refused unless an administrator allows them (opsdesk serve
 * --bot-allow CIDR,…): loopback, "this network", private, shared (CGNAT),
 * link-local (cloud metadata 169.254.169.254), multicast, documentation and
 * reserved ranges, IPv6 unique-local and link-local, and IPv6 forms that
 * embed such an IPv4 address.  Pure; no I/O, no resolving; thread-safe
 * (an od_net_allow is immutable after parsing). */
#ifndef OD_NOTIFY_NETGUARD_H
#define OD_NOTIFY_NETGUARD_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

typedef enum od_net_class {
    OD_NET_PUBLIC,     /* anything not below: allowed */
    OD_NET_THIS,       /* 0.0.0.0/8, ::/128 */
    OD_NET_LOOPBACK,   /* 127.0.0.0/8, ::1 */
    OD_NET_PRIVATE,    /* 10/8, 172.16/12, 192.168/16, fc00::/7 */
    OD_NET_SHARED,     /* 100.64.0.0/10 (carrier-grade NAT) */
    OD_NET_LINK_LOCAL, /* 169.254/16 (metadata services), fe80::/10 */
    OD_NET_MULTICAST,  /* 224/4, ff00::/8 */
    OD_NET_RESERVED,   /* 192.0.0/24, documentation, 198.18/15, 240/4 (and broadcast), 2001:db8::/32, Teredo,
                          outside 2000::/3 */
    OD_NET__COUNT
} od_net_class;

/* "public", "this-network", "loopback", "private", "shared", "link-local",
 * "multicast", "reserved". */
const char *od_net_class_name(od_net_class c);

/* The class of an address (AF_INET or AF_INET6; other families are
 * RESERVED).  IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible, NAT64
 * (64:ff9b::/96) and 6to4 (2002::/16) addresses take the class of the IPv4
 * address inside. */
od_net_class od_net_classify(const struct sockaddr *sa);

/* The destinations an administrator allows despite their class: a list of
 * CIDR ranges.  NULL = none. */
typedef struct od_net_allow od_net_allow;

/* Parses "127.0.0.0/8,::1/128,10.1.2.3" (comma or space separated; a bare
 * address is one host).  "" gives an empty list.  OD_E_INVALID (field
 * "bot-allow") names the bad item; OD_E_NOMEM. */
OD_NODISCARD od_err od_net_allow_parse(const char *spec, od_net_allow **out, od_error *e);
void od_net_allow_free(od_net_allow *a);

/* True if a personal bot may connect to sa: its class is public, or an
 * allowed range holds it. */
bool od_net_allowed(const od_net_allow *allow, const struct sockaddr *sa);

/* The check when a URL is set: the host of an http(s) URL, when it is an
 * address literal (any form the resolver accepts: 127.1, 0x7f000001,
 * [::1]) or a name of this machine (localhost, *.localhost), must be
 * allowed.  Other names are not resolved here (the send-time check sees
 * their addresses).  OD_E_UNPROCESSABLE (field "bot_url") with a message
 * naming the class. */
OD_NODISCARD od_err od_net_check_url(const od_net_allow *allow, const char *url, od_error *e);

#endif
