-- runs/log-metric into one run (run=ID), the step increasing; the threads interleave their
-- steps (thread_index + threads * n) so every step is logged once.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local api = "/api/2.0/mlflow"
local run, n, stride

function init(args)
  local a = common.args(args)
  run = common.require(a, "run")
  stride = tonumber(a.threads or "2")
  n = 0
end

function request()
  n = n + 1
  local step = thread_index + stride * n
  return common.post(api .. "/runs/log-metric", string.format(
    '{"run_id":"%s","key":"loss","value":%.6f,"timestamp":%d,"step":%d}',
    run, common.unit(step, 1), common.now_ms(), step))
end

function response(status, headers, body) common.count(status, body) end

done = common.done("log-metric")
