/* netguard.c — the destination check of personal bots (netguard.h): the
 * special-purpose ranges as tables (RFC 6890 and its IPv6 companions), the
 * administrator's allowed ranges, and the host of a URL as an address. */
#include "notify/netguard.h"
#include "util/cidr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct od_net_allow {
    od_cidr_list *ranges;
};

static const char *const class_names[OD_NET__COUNT] = {"public", "this-network", "loopback",  "private",
                                                       "shared", "link-local",   "multicast", "reserved"};

const char *od_net_class_name(od_net_class c)
{
    return (unsigned)c < OD_NET__COUNT ? class_names[c] : "?";
}

/* IPv4 special-purpose ranges: a.b.c.d/bits. */
static const struct {
    uint32_t net;
    int bits;
    od_net_class cls;
} v4_ranges[] = {
    {0x00000000u, 8, OD_NET_THIS},        {0x0A000000u, 8, OD_NET_PRIVATE},
    {0x64400000u, 10, OD_NET_SHARED},     {0x7F000000u, 8, OD_NET_LOOPBACK},
    {0xA9FE0000u, 16, OD_NET_LINK_LOCAL}, {0xAC100000u, 12, OD_NET_PRIVATE},
    {0xC0000000u, 24, OD_NET_RESERVED},   {0xC0000200u, 24, OD_NET_RESERVED},
    {0xC0586300u, 24, OD_NET_RESERVED},   {0xC0A80000u, 16, OD_NET_PRIVATE},
    {0xC6120000u, 15, OD_NET_RESERVED},   {0xC6336400u, 24, OD_NET_RESERVED},
    {0xCB007100u, 24, OD_NET_RESERVED},   {0xE0000000u, 4, OD_NET_MULTICAST},
    {0xF0000000u, 4, OD_NET_RESERVED},
};

static od_net_class classify_v4(uint32_t a) /* host byte order */
{
    for (size_t i = 0; i < sizeof v4_ranges / sizeof *v4_ranges; i++) {
        uint32_t mask = 0xFFFFFFFFu << (32 - v4_ranges[i].bits);
        if ((a & mask) == v4_ranges[i].net)
            return v4_ranges[i].cls;
    }
    return OD_NET_PUBLIC;
}

static uint32_t v4_at(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool zero(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* The IPv4 address an IPv6 address carries (mapped, compatible, NAT64,
 * 6to4) into *v4; false when it carries none. */
static bool embedded_v4(const unsigned char *b, uint32_t *v4)
{
    static const unsigned char nat64[12] = {0x00, 0x64, 0xff, 0x9b};
    if (zero(b, 10) && b[10] == 0xff && b[11] == 0xff) { /* ::ffff:a.b.c.d */
        *v4 = v4_at(b + 12);
        return true;
    }
    if (zero(b, 12) && !zero(b + 12, 3)) { /* ::a.b.c.d (not :: or ::1) */
        *v4 = v4_at(b + 12);
        return true;
    }
    if (memcmp(b, nat64, 12) == 0) { /* 64:ff9b::a.b.c.d */
        *v4 = v4_at(b + 12);
        return true;
    }
    if (b[0] == 0x20 && b[1] == 0x02) { /* 2002:aabb:ccdd::/48 */
        *v4 = v4_at(b + 2);
        return true;
    }
    return false;
}

static od_net_class classify_v6(const unsigned char *b)
{
    uint32_t v4;
    if (zero(b, 16))
        return OD_NET_THIS;
    if (zero(b, 15) && b[15] == 1)
        return OD_NET_LOOPBACK;
    if (embedded_v4(b, &v4))
        return classify_v4(v4);
    if (b[0] == 0xff)
        return OD_NET_MULTICAST;
    if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)) /* fc00::/7, fec0::/10 */
        return OD_NET_PRIVATE;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10 */
        return OD_NET_LINK_LOCAL;
    if (b[0] == 0x20 && b[1] == 0x01 && (b[2] == 0x00 && b[3] == 0x00)) /* 2001::/32 Teredo */
        return OD_NET_RESERVED;
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) /* 2001:db8::/32 */
        return OD_NET_RESERVED;
    if ((b[0] & 0xe0) != 0x20) /* outside global unicast 2000::/3 */
        return OD_NET_RESERVED;
    return OD_NET_PUBLIC;
}

od_net_class od_net_classify(const struct sockaddr *sa)
{
    if (sa && sa->sa_family == AF_INET)
        return classify_v4(ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr));
    if (sa && sa->sa_family == AF_INET6)
        return classify_v6(((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr);
    return OD_NET_RESERVED;
}

/* ---- allowed ranges (util/cidr.h) ------------------------------------------ */

od_err od_net_allow_parse(const char *spec, od_net_allow **out, od_error *e)
{
    *out = NULL;
    od_net_allow *a = calloc(1, sizeof *a);
    if (!a)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    od_err rc = od_cidr_parse(spec, "bot-allow", &a->ranges, e);
    if (rc) {
        free(a);
        return rc;
    }
    *out = a;
    return OD_OK;
}

void od_net_allow_free(od_net_allow *a)
{
    if (a)
        od_cidr_free(a->ranges);
    free(a);
}

bool od_net_allowed(const od_net_allow *allow, const struct sockaddr *sa)
{
    if (od_net_classify(sa) == OD_NET_PUBLIC)
        return true;
    return allow && od_cidr_has(allow->ranges, sa);
}

/* ---- the host of a URL ---------------------------------------------------- */

/* The host of an http(s) URL into host (no brackets, no port, no user);
 * false if there is none. */
static bool url_host(const char *url, char *host, size_t size)
{
    const char *p = strstr(url, "://");
    if (!p)
        return false;
    p += 3;
    size_t auth = strcspn(p, "/?#");
    const char *at = NULL;
    for (const char *q = p; q < p + auth; q++)
        if (*q == '@')
            at = q;
    if (at) {
        auth -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    size_t n;
    if (*p == '[') {
        const char *close = memchr(p, ']', auth);
        if (!close)
            return false;
        p++;
        n = (size_t)(close - p);
    } else {
        n = strcspn(p, ":/?#");
    }
    if (!n || n >= size)
        return false;
    memcpy(host, p, n);
    host[n] = '\0';
    return true;
}

static bool is_local_name(const char *h)
{
    size_t n = strlen(h);
    while (n && h[n - 1] == '.')
        n--;
    static const char suffix[] = ".localhost";
    size_t sn = sizeof suffix - 1;
    return (n == 9 && strncasecmp(h, "localhost", 9) == 0) ||
           (n > sn && strncasecmp(h + n - sn, suffix, sn) == 0);
}

od_err od_net_check_url(const od_net_allow *allow, const char *url, od_error *e)
{
    char host[300];
    if (!url || !url_host(url, host, sizeof host))
        return OD_OK; /* the URL's own checks report it */
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    char *zone = strchr(host, '%');
    if (zone)
        *zone = '\0';
    if (is_local_name(host)) {
        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(0x7F000001u);
    } else if (inet_aton(host, &s4->sin_addr)) { /* also 127.1, 0x7f000001, 017700000001 */
        s4->sin_family = AF_INET;
    } else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
    } else {
        return OD_OK; /* a name: checked on its resolved address when sending */
    }
    const struct sockaddr *sa = (const struct sockaddr *)&ss;
    if (od_net_allowed(allow, sa))
        return OD_OK;
    const char *cls = od_net_class_name(od_net_classify(sa));
    return od_error_set(
        e, OD_E_UNPROCESSABLE, "bot_url",
        "个人机器人地址不能指向内部网络（%s）(a personal bot may not point at a %s address; an "
        "administrator may allow it with opsdesk serve --bot-allow)",
        cls, cls);
}
