/* cidr.c — lists of address ranges (cidr.h). */
#include "util/cidr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct range {
    int family;          /* AF_INET or AF_INET6 */
    unsigned char a[16]; /* network, in network byte order (4 bytes for AF_INET) */
    int bits;
} range;

struct od_cidr_list {
    range r[OD_CIDR_MAX];
    size_t n;
};

static bool in_range(const range *r, int family, const unsigned char *a)
{
    if (r->family != family)
        return false;
    int full = r->bits / 8, rest = r->bits % 8;
    if (memcmp(r->a, a, (size_t)full) != 0)
        return false;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xFF << (8 - rest));
    return (r->a[full] & mask) == (a[full] & mask);
}

/* One item "addr[/bits]" into r; false if it is not one. */
static bool parse_range(const char *item, range *r)
{
    char buf[96];
    size_t len = strlen(item);
    if (len >= sizeof buf)
        return false;
    memcpy(buf, item, len + 1);
    char *slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    memset(r, 0, sizeof *r);
    if (inet_pton(AF_INET, buf, r->a) == 1)
        r->family = AF_INET;
    else if (inet_pton(AF_INET6, buf, r->a) == 1)
        r->family = AF_INET6;
    else
        return false;
    int max = r->family == AF_INET ? 32 : 128;
    r->bits = max;
    if (slash) {
        const char *p = slash + 1;
        char *end = NULL;
        long bits = strtol(p, &end, 10);
        if (!isdigit((unsigned char)*p) || *end || bits < 0 || bits > max)
            return false;
        r->bits = (int)bits;
    }
    for (int i = r->bits; i < max; i++) /* host bits must be zero: no surprises */
        if (r->a[i / 8] & (0x80 >> (i % 8)))
            return false;
    return true;
}

od_err od_cidr_parse(const char *spec, const char *field, od_cidr_list **out, od_error *e)
{
    *out = NULL;
    od_cidr_list *a = calloc(1, sizeof *a);
    if (!a)
        return od_error_set(e, OD_E_NOMEM, NULL, "out of memory");
    const char *p = spec ? spec : "";
    while (*p) {
        size_t skip = strspn(p, ", \t"), n;
        p += skip;
        n = strcspn(p, ", \t");
        if (!n)
            break;
        char item[96];
        snprintf(item, sizeof item, "%.*s", (int)(n < 95 ? n : 95), p);
        if (a->n == OD_CIDR_MAX || n >= sizeof item || !parse_range(item, &a->r[a->n])) {
            od_error_set(e, OD_E_INVALID, field,
                         "地址段无效：%s (bad range %s: CIDR such as 127.0.0.0/8 or ::1/128, at most %d)",
                         item, item, OD_CIDR_MAX);
            free(a);
            return OD_E_INVALID;
        }
        a->n++;
        p += n;
    }
    *out = a;
    return OD_OK;
}

void od_cidr_free(od_cidr_list *l)
{
    free(l);
}

size_t od_cidr_count(const od_cidr_list *l)
{
    return l ? l->n : 0;
}

static bool has_bytes(const od_cidr_list *l, int family, unsigned char b[16])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (family == AF_INET6 && memcmp(b, mapped, 12) == 0) { /* ::ffff:a.b.c.d: as IPv4 */
        family = AF_INET;
        memmove(b, b + 12, 4);
    }
    for (size_t i = 0; l && i < l->n; i++)
        if (in_range(&l->r[i], family, b))
            return true;
    return false;
}

bool od_cidr_has(const od_cidr_list *l, const struct sockaddr *sa)
{
    unsigned char b[16];
    if (!l || !sa)
        return false;
    if (sa->sa_family == AF_INET) {
        memcpy(b, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
        return has_bytes(l, AF_INET, b);
    }
    if (sa->sa_family == AF_INET6) {
        memcpy(b, ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr, 16);
        return has_bytes(l, AF_INET6, b);
    }
    return false;
}

bool od_cidr_has_text(const od_cidr_list *l, const char *addr)
{
    unsigned char b[16];
    if (!l || !addr)
        return false;
    if (inet_pton(AF_INET, addr, b) == 1)
        return has_bytes(l, AF_INET, b);
    if (inet_pton(AF_INET6, addr, b) == 1)
        return has_bytes(l, AF_INET6, b);
    return false;
}
