-- events_wrk.lua — one wrk script for both servers (bench/events_vs_alertmanager.sh).
-- Environment: TARGET am|od, BATCH alerts per request, KIND distinct|repeat, TOKEN (od),
-- MAX_REQ (optional): each wrk thread stops after that many responses (the 1 M events run).
-- PREFIX (optional): put in every distinct alert's instance, so that several wrk processes (one per
-- node of a cluster) send distinct fingerprints.  HIST (optional): a file where done() writes the
-- latency histogram ("µs count" per line), so that several processes' percentiles can be merged.
-- distinct: every alert has a new `instance` (per thread and counter) over 100
-- alertnames, so each is a new fingerprint; repeat: the same BATCH alerts every time.
local target = os.getenv("TARGET") or "od"
local batch = tonumber(os.getenv("BATCH") or "1")
local kind = os.getenv("KIND") or "distinct"
local token = os.getenv("TOKEN") or ""
local prefix = os.getenv("PREFIX") or ""
local threads, counter, tid = {}, 0, 0
local max_req = tonumber(os.getenv("MAX_REQ") or "0")
local answered = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  tid = tonumber(wrk.thread:get("tid")) or 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if target == "od" then
    wrk.path = "/api/v1/integrations/alertmanager"
    wrk.headers["Authorization"] = "Bearer " .. token
  else
    wrk.path = "/api/v2/alerts"
  end
end

local function alert(i)
  local inst
  if kind == "repeat" then inst = "r-" .. i else inst = "h-" .. prefix .. tid .. "-" .. counter .. "-" .. i end
  local a = '{"labels":{"alertname":"Bench' .. ((counter + i) % 100) .. '","instance":"' .. inst ..
            '","severity":"warning"},"annotations":{"summary":"bench alert"},"startsAt":"2026-05-01T10:00:00Z"'
  if kind == "repeat" then
    a = '{"labels":{"alertname":"Bench' .. (i % 100) .. '","instance":"' .. inst ..
        '","severity":"warning"},"annotations":{"summary":"bench alert"},"startsAt":"2026-05-01T10:00:00Z"'
  end
  if target == "od" then a = a .. ',"status":"firing"' end
  return a .. "}"
end

function request()
  counter = counter + 1
  local parts = {}
  for i = 1, batch do parts[i] = alert(i) end
  local body = table.concat(parts, ",")
  if target == "od" then body = '{"version":"4","status":"firing","alerts":[' .. body .. "]}" else body = "[" .. body .. "]" end
  return wrk.format(nil, nil, nil, body)
end

if max_req > 0 then
  function response(status, headers, body)
    answered = answered + 1
    if answered >= max_req then wrk.thread:stop() end
  end
end

function done(summary, latency, requests)
  local hist = os.getenv("HIST")
  if hist and hist ~= "" then
    local f = assert(io.open(hist, "w"))
    for i = 1, #latency do
      local v, c = latency(i)
      f:write(string.format("%d %d\n", v, c))
    end
    f:close()
  end
  io.write(string.format("RESULT requests=%d req_s=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
