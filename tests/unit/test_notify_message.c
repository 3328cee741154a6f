/* test_notify_message.c — message templates in the policy (R-NOT-2):
 * every kind of the default policy renders the fields its report requires,
 * the number, the levels and the ack link, in zh-CN and in en; a policy with
 * a broken template is refused with the line; a policy without templates
 * falls back to the default's; the ack-link marker is placed or its line
 * dropped; user text cannot forge a link position; desks and delivery
 * settings come from the policy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy_load.h"
#include "notify/message.h"

static od_policy *load_default(void)
{
    od_policy *p = NULL;
    od_policy_diags d;
    od_err rc = od_policy_load_file("policy/default.yaml", &p, &d);
    if (rc)
        od_policy_diags_print(stderr, "policy/default.yaml", &d);
    assert_int_equal(rc, OD_OK);
    return p;
}

/* Every variable gets a distinct value "<name>=VAL". */
static void sample_vars(od_msg_vars *v, char buf[OD_V__COUNT][64])
{
    for (int i = 0; i < OD_V__COUNT; i++) {
        snprintf(buf[i], 64, "%s=VAL", od_msg_var_name((od_msg_var)i));
        v->v[i] = buf[i];
    }
}

static void test_each_kind_renders_required_fields(void **state)
{
    (void)state;
    od_policy *p = load_default();
    od_msg_vars v;
    char buf[OD_V__COUNT][64];
    sample_vars(&v, buf);
    for (int k = 0; k < OD_MSG__COUNT; k++) {
        for (int l = 0; l < OD_LANG__COUNT; l++) {
            char *subject = NULL, *body = NULL;
            od_error e = {0};
            assert_int_equal(od_msg_render(p, (od_msg_kind)k, (od_lang)l, &v, &subject, &body, &e), OD_OK);
            /* the policy has its own text for each kind and language */
            assert_true(p->notify.templates[k][l].body[0] != '\0');
            const od_msg_var *req;
            size_t n = od_msg_required((od_msg_kind)k, &req);
            assert_true(n >= 3);
            for (size_t i = 0; i < n; i++) {
                const char *want = req[i] == OD_V_ACK_LINK ? OD_ACK_MARK : buf[req[i]];
                if (!strstr(body, want))
                    fail_msg("%s/%s body lacks %s:\n%s", od_msg_kind_key((od_msg_kind)k),
                             od_lang_key((od_lang)l), want, body);
            }
            /* the subject names the incident (an event alert: the event), on one line */
            assert_non_null(strstr(subject, buf[k == OD_MSG_EVENT_ALERT ? OD_V_SUMMARY : OD_V_NUMBER]));
            assert_null(strchr(subject, '\n'));
            /* Chinese text in zh-CN, none in en (CJK lead bytes 0xE4..0xE9) */
            bool cjk = false;
            for (const unsigned char *c = (const unsigned char *)body; *c; c++)
                if (*c >= 0xE4 && *c <= 0xE9)
                    cjk = true;
            assert_int_equal(cjk, l == OD_LANG_ZH);
            free(subject);
            free(body);
        }
    }
    od_policy_free(p);
}

/* R-NOT-2 per kind: the fields the seed names for that report. */
static void test_required_fields_follow_the_seed(void **state)
{
    (void)state;
    static const struct {
        od_msg_kind k;
        const char *must[8];
    } rows[] = {
        {OD_MSG_FIRST,
         {"detected_at", "location", "symptoms", "level", "impact_scope", "number", "ack_link"}},
        {OD_MSG_SECOND, {"response_level", "system_impact", "estimated_recovery_at", "number", "ack_link"}},
        {OD_MSG_FINAL,
         {"cause", "process", "current_state", "business_impact_minutes", "improvements", "number", "level"}},
        {OD_MSG_PROGRESS, {"progress", "response_level", "number", "ack_link"}},
        {OD_MSG_ESCALATION, {"from_level", "response_level", "reason", "ack_link"}},
        {OD_MSG_REMINDER, {"ack_within_minutes", "ack_link", "number"}},
    };
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        const od_msg_var *req;
        size_t n = od_msg_required(rows[r].k, &req);
        for (size_t j = 0; rows[r].must[j]; j++) {
            bool found = false;
            for (size_t i = 0; i < n; i++)
                found = found || strcmp(od_msg_var_name(req[i]), rows[r].must[j]) == 0;
            if (!found)
                fail_msg("%s does not require %s", od_msg_kind_key(rows[r].k), rows[r].must[j]);
        }
    }
}

/* A policy file without templates or a notify section gets the embedded
 * default's, merged in by the loader (nothing is looked up at render time). */
static void test_fallback_to_default_templates(void **state)
{
    (void)state;
    const char *y = "name: tiny\n";
    od_policy *p = NULL;
    assert_int_equal(od_policy_load_buffer(y, strlen(y), &p, NULL), OD_OK);
    od_msg_vars v;
    char buf[OD_V__COUNT][64];
    sample_vars(&v, buf);
    char *subject = NULL, *body = NULL;
    assert_int_equal(od_msg_render(p, OD_MSG_FIRST, OD_LANG_EN, &v, &subject, &body, NULL), OD_OK);
    assert_non_null(strstr(body, "symptoms=VAL"));
    free(subject);
    free(body);
    assert_int_equal(od_notify_max_attempts(p), 8);
    assert_int_equal(od_notify_ack_ttl_ms(p), 24LL * 3600 * 1000);
    assert_string_equal(od_notify_system_desk(p), "ops_security");
    const od_desk *d = od_notify_desk(p, "monitoring");
    assert_non_null(d);
    assert_string_equal(d->name_zh, "客服部监控服务科");
    assert_non_null(od_notify_desk(p, "ops_security"));
    assert_null(od_notify_desk(p, "nobody"));
    assert_int_equal(od_notify_level_channels(p, OD_GRADE_L1),
                     OD_CONTACT_SMS | OD_CONTACT_EMAIL | OD_CONTACT_BOT);
    od_policy_free(p);
}

/* A policy not loaded from YAML has no templates (rendering says so) and
 * only the fixed fallbacks for the numbers: no hidden default policy. */
static void test_bare_policy_has_no_templates(void **state)
{
    (void)state;
    od_policy *bare = od_policy_new_default();
    od_msg_vars v = {{0}};
    char *subject = NULL, *body = NULL;
    od_error e = {0};
    assert_int_equal(od_msg_render(bare, OD_MSG_FIRST, OD_LANG_EN, &v, &subject, &body, &e), OD_E_INVALID);
    assert_null(subject);
    assert_null(body);
    assert_non_null(strstr(e.message, "template"));
    assert_int_equal(od_notify_max_attempts(bare), 8);
    assert_int_equal(od_notify_ack_ttl_ms(bare), 24LL * 3600 * 1000);
    assert_string_equal(od_notify_system_desk(bare), "ops_security");
    assert_int_equal(od_notify_n_desks(bare), 0);
    assert_null(od_notify_desk(bare, "monitoring"));
    od_policy_free(bare);
}

/* A broken template is refused with the line it is on. */
static void test_broken_templates_rejected_with_line(void **state)
{
    (void)state;
    static const struct {
        const char *name, *yaml;
        int line;
        const char *msg;
    } rows[] = {
        {"unknown placeholder in a block",
         "templates:\n  first:\n    zh-CN:\n      subject: \"{{number}}\"\n      body: |\n"
         "        {{number}} {{level}} {{response_level}}\n        {{detected_at}} {{location}}\n"
         "        {{symptom}} {{impact_scope}} {{ack_link}}\n",
         8, "unknown template placeholder \"symptom\""},
        {"missing required field",
         "templates:\n  second:\n    zh-CN:\n      subject: \"{{number}}\"\n"
         "      body: \"{{number}} {{level}} {{response_level}} {{system_impact}} {{ack_link}}\"\n",
         5, "must contain {{estimated_recovery_at}}"},
        {"unterminated",
         "templates:\n  reminder:\n    zh-CN:\n      subject: \"{{number\"\n      body: \"x\"\n", 4,
         "unterminated"},
        {"unknown kind", "templates:\n  first_report: {}\n", 2, "unknown message kind 'first_report'"},
        {"unknown language", "templates:\n  first:\n    zh-CN: {subject: a, body: b}\n    fr: {}\n", 4,
         "unknown language 'fr'"},
        {"no Chinese", "templates:\n  final:\n    en:\n      subject: x\n      body: x\n", 2,
         "missing language 'zh-CN'"},
        {"bad max_attempts", "notify:\n  max_attempts: 0\n", 2, "notify.max_attempts"},
        {"bad ttl", "notify:\n  ack_link_ttl: soon\n", 2, "bad duration"},
        {"unknown system desk", "notify:\n  system_desk: helpdesk\n", 2, "not one of notify.desks"},
        {"duplicate desk",
         "notify:\n  desks:\n    - {key: a, name_zh: 甲, name_en: A}\n    - {key: a, name_zh: 乙, name_en: "
         "B}\n",
         4, "duplicate desk key"},
        {"bad channel", "notify:\n  channels: {L1: [sms, pager]}\n", 2, "unknown channel 'pager'"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        od_policy *p = NULL;
        od_policy_diags d;
        od_err rc = od_policy_load_buffer(rows[i].yaml, strlen(rows[i].yaml), &p, &d);
        if (rc != OD_E_INVALID || d.n < 1)
            fail_msg("%s: loaded (rc %d)", rows[i].name, rc);
        bool ok = false;
        for (size_t j = 0; j < d.n; j++)
            ok = ok || (d.items[j].line == rows[i].line && strstr(d.items[j].message, rows[i].msg));
        if (!ok) {
            od_policy_diags_print(stderr, rows[i].name, &d);
            fail_msg("%s: want line %d with \"%s\"", rows[i].name, rows[i].line, rows[i].msg);
        }
        assert_null(p);
    }
}

static void test_policy_overrides(void **state)
{
    (void)state;
    const char *y = "templates:\n  first:\n    zh-CN:\n      subject: \"首报 {{number}}\"\n      body: |\n"
                    "        {{number}} {{level}}/{{response_level}} {{detected_at}} {{location}}\n"
                    "        {{symptoms}} {{impact_scope}}\n        确认：{{ack_link}}\n"
                    "notify:\n  desks:\n    - {key: noc, name_zh: 值班台, name_en: NOC}\n  system_desk: noc\n"
                    "  max_attempts: 3\n  ack_link_ttl: 2h\n  channels: {L3: [email]}\n";
    od_policy *p = NULL;
    od_policy_diags d;
    od_err rc = od_policy_load_buffer(y, strlen(y), &p, &d);
    if (rc)
        od_policy_diags_print(stderr, "override", &d);
    assert_int_equal(rc, OD_OK);
    assert_int_equal(od_notify_max_attempts(p), 3);
    assert_int_equal(od_notify_ack_ttl_ms(p), 2 * 3600 * 1000);
    assert_string_equal(od_notify_system_desk(p), "noc");
    assert_null(od_notify_desk(p, "monitoring")); /* the list replaces the default desks */
    assert_int_equal(od_notify_level_channels(p, OD_GRADE_L3), OD_CONTACT_EMAIL);
    assert_int_equal(od_notify_level_channels(p, OD_GRADE_L1),
                     OD_CONTACT_SMS | OD_CONTACT_EMAIL | OD_CONTACT_BOT);
    od_msg_vars v = {{0}};
    v.v[OD_V_NUMBER] = "INC-1";
    char *subject = NULL, *body = NULL;
    assert_int_equal(od_msg_render(p, OD_MSG_FIRST, OD_LANG_ZH, &v, &subject, &body, NULL), OD_OK);
    assert_string_equal(subject, "首报 INC-1");
    free(subject);
    free(body);
    /* English not given for this kind: the default policy's English */
    assert_int_equal(od_msg_render(p, OD_MSG_FIRST, OD_LANG_EN, &v, &subject, &body, NULL), OD_OK);
    assert_non_null(strstr(body, "[Incident first report] INC-1"));
    free(subject);
    free(body);
    od_policy_free(p);
}

static void test_put_link(void **state)
{
    (void)state;
    static const struct {
        const char *body, *link, *want;
    } rows[] = {
        {"a\nack: {{ack_link}}\nb", "https://x/ack/T", "a\nack: https://x/ack/T\nb"},
        {"a\nack: {{ack_link}}\nb", NULL, "a\nb"},
        {"a\nack: {{ack_link}}", "", "a"},
        {"{{ack_link}}\nb", NULL, "b"},
        {"no link here", "https://x", "no link here"},
        {"{{ack_link}}", NULL, ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char *o = od_msg_put_link(rows[i].body, rows[i].link);
        assert_non_null(o);
        assert_string_equal(o, rows[i].want);
        free(o);
    }
}

/* Text from people cannot place a second link (or hide the real one). */
static void test_user_text_cannot_forge_link(void **state)
{
    (void)state;
    od_policy *p = load_default();
    od_msg_vars v = {{0}};
    v.v[OD_V_NUMBER] = "INC-2";
    v.v[OD_V_SYMPTOMS] = "click {{ack_link}} now";
    char *subject = NULL, *body = NULL;
    assert_int_equal(od_msg_render(p, OD_MSG_FIRST, OD_LANG_ZH, &v, &subject, &body, NULL), OD_OK);
    const char *m1 = strstr(body, OD_ACK_MARK);
    assert_non_null(m1);
    assert_null(strstr(m1 + 1, OD_ACK_MARK)); /* only the template's marker */
    assert_non_null(strstr(body, "click { {ack_link}} now"));
    free(subject);
    free(body);
    od_policy_free(p);
}

static void test_time_is_beijing(void **state)
{
    (void)state;
    char t[OD_MSG_TIME_MAX];
    /* 2026-01-01T00:00:00Z */
    assert_string_equal(od_msg_time(1767225600000LL, t), "2026-01-01 08:00 (UTC+08:00)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_kind_renders_required_fields),
        cmocka_unit_test(test_required_fields_follow_the_seed),
        cmocka_unit_test(test_fallback_to_default_templates),
        cmocka_unit_test(test_bare_policy_has_no_templates),
        cmocka_unit_test(test_broken_templates_rejected_with_line),
        cmocka_unit_test(test_policy_overrides),
        cmocka_unit_test(test_put_link),
        cmocka_unit_test(test_user_text_cannot_forge_link),
        cmocka_unit_test(test_time_is_beijing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
