#!/usr/bin/env bash
# make run: initialize the database with the default policy if it does not
# exist (printing the initial administrator passwords), then serve.
set -euo pipefail
bin=$1 db=$2 listen=$3
mkdir -p "$(dirname "$db")"
if [ ! -f "$db" ]; then
  echo "== 初始化数据库 initializing $db with the default policy (policy/default.yaml)"
  "$bin" init --db "$db"
  echo "   请保存以上初始密码 (save the initial passwords above; set OPSDESK_ADMIN_PASSWORD to choose one)"
fi
echo "== 打开 open http://$listen/  — 登录 sign in as sysadmin / secadmin / auditor"
echo "   API: http://$listen/api/v1/…  ·  健康检查 health: http://$listen/healthz  ·  停止 stop: Ctrl-C"
exec "$bin" serve --db "$db" --listen "$listen"
