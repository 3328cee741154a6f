#!/usr/bin/env bash
# make run: initialize the database with the default policy (init is
# idempotent: it creates what is missing and never changes existing
# administrators), then serve.  DB and LISTEN are make variables:
#   make run DB=var/other.db LISTEN=127.0.0.1:9090
set -euo pipefail
bin=$1 db=$2 listen=$3 demo=${4:-}   # make demo passes --demo: demo data into a new database
mkdir -p "$(dirname "$db")"
if [ -n "$demo" ] && [ -f "$db" ]; then
  echo "== $db 已存在，不再装入演示数据 (exists: demo data is loaded only into a new database)"
  demo=
fi
if [ -f "$db" ] && [ -n "${OPSDESK_ADMIN_PASSWORD:-}" ]; then
  echo "== 数据库已存在，OPSDESK_ADMIN_PASSWORD 不会改动已有管理员 (database $db exists: OPSDESK_ADMIN_PASSWORD"
  echo "   does not change existing administrators; start afresh with: rm -f $db* $(dirname "$db")/opsdesk-audit.key)"
fi
[ -f "$db" ] || echo "== 初始化数据库 initializing $db with the default policy (policy/default.yaml)"
"$bin" init --db "$db" $demo
[ -z "$demo" ] || echo "   演示账号 demo accounts: wangjg 王建国 (监控) · zhangw 张伟 (运维) · zhaoq 赵强 (科长) · qianm 钱敏 (运行部) · sunlx 孙立新 (中心领导) · zhouht 周海涛 (领导小组) — 口令 password ${OPSDESK_DEMO_PASSWORD:-Demo-pass-1!}"
if [ -z "${OPSDESK_ADMIN_PASSWORD:-}" ]; then
  echo "   请保存以上初始密码（只打印一次）(save the initial passwords above: printed once; set OPSDESK_ADMIN_PASSWORD to choose one)"
fi
echo "== 打开 open http://$listen/  — 登录 sign in as sysadmin / secadmin / auditor"
echo "   API: http://$listen/api/v1/…  ·  健康检查 health: http://$listen/healthz  ·  停止 stop: Ctrl-C"
echo "   端口被占用时 if the port is taken: make run LISTEN=127.0.0.1:9090"
exec "$bin" serve --db "$db" --listen "$listen"
