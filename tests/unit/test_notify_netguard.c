/* test_notify_netguard.c — where a personal bot may send (probe M9,
 * R-NOT-7 personal bots): the address classes as a table at every range
 * boundary, the administrator's allowed ranges, the check of a URL's host
 * when it is set, and the send-time check on the resolved address.  Only
 * the last test opens a socket: a loopback listener that must see NO
 * connection.  Nothing here sends to any other address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "notify/channel.h"
#include "notify/netguard.h"

/* The address s (IPv4 or IPv6 text) as a sockaddr in ss. */
static const struct sockaddr *addr_of(const char *s, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, s, &a4->sin_addr) == 1)
        a4->sin_family = AF_INET;
    else if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1)
        a6->sin6_family = AF_INET6;
    else
        fail_msg("bad test address %s", s);
    return (const struct sockaddr *)ss;
}

static void test_classes_at_every_boundary(void **state)
{
    (void)state;
    static const struct {
        const char *addr;
        od_net_class want;
    } rows[] = {
        /* IPv4: first and last address of each range, and the neighbours */
        {"0.0.0.0", OD_NET_THIS},
        {"0.255.255.255", OD_NET_THIS},
        {"1.0.0.0", OD_NET_PUBLIC},
        {"9.255.255.255", OD_NET_PUBLIC},
        {"10.0.0.0", OD_NET_PRIVATE},
        {"10.255.255.255", OD_NET_PRIVATE},
        {"11.0.0.0", OD_NET_PUBLIC},
        {"100.63.255.255", OD_NET_PUBLIC},
        {"100.64.0.0", OD_NET_SHARED},
        {"100.127.255.255", OD_NET_SHARED},
        {"100.128.0.0", OD_NET_PUBLIC},
        {"126.255.255.255", OD_NET_PUBLIC},
        {"127.0.0.0", OD_NET_LOOPBACK},
        {"127.0.0.1", OD_NET_LOOPBACK},
        {"127.255.255.255", OD_NET_LOOPBACK},
        {"128.0.0.0", OD_NET_PUBLIC},
        {"169.253.255.255", OD_NET_PUBLIC},
        {"169.254.0.0", OD_NET_LINK_LOCAL},
        {"169.254.169.254", OD_NET_LINK_LOCAL},
        {"169.254.255.255", OD_NET_LINK_LOCAL},
        {"169.255.0.0", OD_NET_PUBLIC},
        {"172.15.255.255", OD_NET_PUBLIC},
        {"172.16.0.0", OD_NET_PRIVATE},
        {"172.31.255.255", OD_NET_PRIVATE},
        {"172.32.0.0", OD_NET_PUBLIC},
        {"192.0.0.0", OD_NET_RESERVED},
        {"192.0.0.255", OD_NET_RESERVED},
        {"192.0.1.0", OD_NET_PUBLIC},
        {"192.0.2.1", OD_NET_RESERVED},
        {"192.88.99.1", OD_NET_RESERVED},
        {"192.167.255.255", OD_NET_PUBLIC},
        {"192.168.0.0", OD_NET_PRIVATE},
        {"192.168.255.255", OD_NET_PRIVATE},
        {"192.169.0.0", OD_NET_PUBLIC},
        {"198.17.255.255", OD_NET_PUBLIC},
        {"198.18.0.0", OD_NET_RESERVED},
        {"198.19.255.255", OD_NET_RESERVED},
        {"198.20.0.0", OD_NET_PUBLIC},
        {"198.51.100.7", OD_NET_RESERVED},
        {"203.0.113.9", OD_NET_RESERVED},
        {"223.255.255.255", OD_NET_PUBLIC},
        {"224.0.0.0", OD_NET_MULTICAST},
        {"239.255.255.255", OD_NET_MULTICAST},
        {"240.0.0.0", OD_NET_RESERVED},
        {"255.255.255.255", OD_NET_RESERVED},
        {"8.8.8.8", OD_NET_PUBLIC},
        {"47.94.1.1", OD_NET_PUBLIC},
        /* IPv6 */
        {"::", OD_NET_THIS},
        {"::1", OD_NET_LOOPBACK},
        {"::2", OD_NET_RESERVED},
        {"::ffff:127.0.0.1", OD_NET_LOOPBACK},
        {"::ffff:169.254.169.254", OD_NET_LINK_LOCAL},
        {"::ffff:10.1.2.3", OD_NET_PRIVATE},
        {"::ffff:8.8.8.8", OD_NET_PUBLIC},
        {"::127.0.0.1", OD_NET_LOOPBACK},
        {"64:ff9b::10.0.0.1", OD_NET_PRIVATE},
        {"64:ff9b::8.8.8.8", OD_NET_PUBLIC},
        {"2002:7f00:1::", OD_NET_LOOPBACK},
        {"2002:0808:0808::", OD_NET_PUBLIC},
        {"2001::1", OD_NET_RESERVED},
        {"2001:db8::1", OD_NET_RESERVED},
        {"2001:db9::1", OD_NET_PUBLIC},
        {"2400:3200::1", OD_NET_PUBLIC},
        {"1fff:ffff::1", OD_NET_RESERVED},
        {"4000::1", OD_NET_RESERVED},
        {"fbff:ffff::1", OD_NET_RESERVED},
        {"fc00::", OD_NET_PRIVATE},
        {"fdff:ffff::1", OD_NET_PRIVATE},
        {"fe7f:ffff::1", OD_NET_RESERVED},
        {"fe80::", OD_NET_LINK_LOCAL},
        {"febf:ffff::1", OD_NET_LINK_LOCAL},
        {"fec0::1", OD_NET_PRIVATE},
        {"ff00::", OD_NET_MULTICAST},
        {"ff02::1", OD_NET_MULTICAST},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        struct sockaddr_storage ss;
        od_net_class got = od_net_classify(addr_of(rows[i].addr, &ss));
        if (got != rows[i].want)
            fail_msg("%s: %s, want %s", rows[i].addr, od_net_class_name(got),
                     od_net_class_name(rows[i].want));
        /* nothing but public passes without an allowed range */
        assert_int_equal(od_net_allowed(NULL, (const struct sockaddr *)&ss), rows[i].want == OD_NET_PUBLIC);
    }
    struct sockaddr unix_like = {.sa_family = AF_UNIX};
    assert_int_equal(od_net_classify(&unix_like), OD_NET_RESERVED);
    assert_false(od_net_allowed(NULL, &unix_like));
}

static void test_allowed_ranges(void **state)
{
    (void)state;
    od_net_allow *a = NULL;
    od_error e = {0};
    assert_int_equal(od_net_allow_parse("127.0.0.0/8, ::1/128 10.1.2.3,fd00::/8", &a, &e), OD_OK);
    static const struct {
        const char *addr;
        bool ok;
    } rows[] = {
        {"127.0.0.1", true}, {"127.255.255.254", true},  {"::1", true},          {"::ffff:127.0.0.1", true},
        {"10.1.2.3", true},  {"10.1.2.4", false},        {"10.1.2.2", false},    {"fd12::1", true},
        {"fc00::1", false},  {"169.254.169.254", false}, {"192.168.1.1", false}, {"8.8.8.8", true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        struct sockaddr_storage ss;
        if (od_net_allowed(a, addr_of(rows[i].addr, &ss)) != rows[i].ok)
            fail_msg("%s: want %s", rows[i].addr, rows[i].ok ? "allowed" : "refused");
    }
    od_net_allow_free(a);
    /* an empty list is valid and allows nothing more */
    assert_int_equal(od_net_allow_parse("", &a, &e), OD_OK);
    struct sockaddr_storage ss;
    assert_false(od_net_allowed(a, addr_of("127.0.0.1", &ss)));
    od_net_allow_free(a);
    assert_int_equal(od_net_allow_parse(NULL, &a, &e), OD_OK);
    od_net_allow_free(a);
    /* bad items: named, nothing returned */
    static const char *const bad[] = {"127.0.0.1/33", "127.0.0.1/8", "::1/129", "localhost",      "10.0.0.0/",
                                      "10.0.0.0/x",   "10.0.0.0/-1", "1.2.3",   "10.0.0.0/8,nope"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&e, 0, sizeof e);
        if (od_net_allow_parse(bad[i], &a, &e) != OD_E_INVALID)
            fail_msg("accepted %s", bad[i]);
        assert_null(a);
        assert_string_equal(e.field, "bot-allow");
    }
}

static void test_url_check_when_set(void **state)
{
    (void)state;
    static const struct {
        const char *url;
        bool ok;
    } rows[] = {
        {"https://oapi.dingtalk.com/robot/send?access_token=x", true}, /* a name: checked when sending */
        {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", true},
        {"http://8.8.8.8/hook", true},
        {"http://127.0.0.1:18999/x", false},
        {"http://169.254.169.254/latest/meta-data/", false},
        {"http://[::1]:22/", false},
        {"https://10.0.0.1:8443/", false},
        {"http://172.16.5.4/", false},
        {"http://192.168.1.1/", false},
        {"http://100.64.0.1/", false},
        {"http://0.0.0.0:8080/", false},
        {"http://[fe80::1%25eth0]/", false},
        {"http://[fd00::1]/", false},
        {"http://[::ffff:127.0.0.1]/", false},
        {"http://localhost:8080/", false},
        {"http://LOCALHOST./", false},
        {"http://api.localhost/", false},
        {"http://127.1/", false}, /* forms the resolver accepts */
        {"http://2130706433/", false},
        {"http://0x7f000001/", false},
        {"http://017700000001/", false},
        {"http://user:pw@127.0.0.1/", false}, /* userinfo does not hide the host */
        {"http://127.0.0.1@8.8.8.8/", true},  /* … nor pretend to be one */
        {"http://8.8.8.8/?next=http://127.0.0.1/", true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        od_error e = {0};
        od_err rc = od_net_check_url(NULL, rows[i].url, &e);
        if ((rc == OD_OK) != rows[i].ok)
            fail_msg("%s: rc %d, want %s", rows[i].url, rc, rows[i].ok ? "ok" : "refused");
        if (!rows[i].ok) {
            assert_int_equal(rc, OD_E_UNPROCESSABLE);
            assert_string_equal(e.field, "bot_url");
            assert_non_null(strstr(e.message, "--bot-allow"));
        }
    }
    od_net_allow *a = NULL;
    od_error e = {0};
    assert_int_equal(od_net_allow_parse("127.0.0.0/8", &a, &e), OD_OK);
    assert_int_equal(od_net_check_url(a, "http://127.0.0.1:18999/x", &e), OD_OK);
    assert_int_equal(od_net_check_url(a, "http://localhost:18999/x", &e), OD_OK);
    assert_int_equal(od_net_check_url(a, "http://[::1]:18999/x", &e), OD_E_UNPROCESSABLE);
    assert_int_equal(od_net_check_url(a, "http://10.0.0.1/", &e), OD_E_UNPROCESSABLE);
    od_net_allow_free(a);
}

/* A loopback listener; returns its fd and port. */
static int listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* Sending: the address the name resolved to is checked before connecting,
 * so a name that passed the first check (DNS rebinding) still cannot reach
 * the server's network; the refusal is final (not retried). */
static void test_send_checks_resolved_address(void **state)
{
    (void)state;
    int port = 0;
    int fd = listener(&port);
    static const char *const hosts[] = {"127.0.0.1", "localhost"};
    for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
        char url[96];
        snprintf(url, sizeof url, "http://%s:%d/hook", hosts[i], port);
        od_channel *c = NULL;
        od_error e = {0};
        assert_int_equal(od_channel_new_bot(OD_CH_WEBHOOK, url, NULL, &c, &e), OD_OK);
        od_channel_guard(c, NULL);
        od_message m = {.text = "probe M9", .idempotency_key = "k"};
        od_send_result r;
        assert_int_equal(od_channel_send(c, &m, 1700000000000LL, &r), OD_E_IO);
        assert_false(r.retryable);
        assert_int_equal(r.http_status, 0);
        if (!strstr(r.error, "loopback"))
            fail_msg("%s: %s", url, r.error);
        od_channel_free(c);
        /* no connection reached the listener */
        int cfd = accept(fd, NULL, NULL);
        if (cfd >= 0)
            close(cfd);
        assert_int_equal(cfd, -1);
        assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
    }
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes_at_every_boundary),
        cmocka_unit_test(test_allowed_ranges),
        cmocka_unit_test(test_url_check_when_set),
        cmocka_unit_test(test_send_checks_resolved_address),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
