-- runs/log-batch: 100 metrics (10 keys x 10 steps), 3 new params, 2 tags per request, each
-- connection into a run of its own, as a client per run would: run.py starts it with one
-- connection per thread (-t N -c N; wrk's Lua state is the thread's) and passes one run per
-- thread as runs=ID,ID,... Param keys carry a counter, so no param is ever logged twice.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local api = "/api/2.0/mlflow"
local run, n, step

function init(args)
  local runs = {}
  for id in common.require(common.args(args), "runs"):gmatch("[^,]+") do table.insert(runs, id) end
  run = runs[thread_index % #runs + 1]
  n, step = 0, 0
end

function request()
  n = n + 1
  local t = common.now_ms()
  local metrics = {}
  for _ = 1, 10 do
    step = step + 1
    for k = 0, 9 do
      metrics[#metrics + 1] = string.format('{"key":"m%d","value":%.6f,"timestamp":%d,"step":%d}',
        k, common.unit(step, k), t, step)
    end
  end
  local params = {}
  for j = 0, 2 do
    params[#params + 1] = string.format('{"key":"p%d_%d","value":"%d"}', n, j, j * n)
  end
  local tags = string.format('{"key":"phase","value":"%d"},{"key":"client","value":"%d"}', n % 7, thread_index)
  return common.post(api .. "/runs/log-batch", string.format(
    '{"run_id":"%s","metrics":[%s],"params":[%s],"tags":[%s]}',
    run, table.concat(metrics, ","), table.concat(params, ","), tags))
end

function response(status, headers, body) common.count(status, body) end

done = common.done("log-batch")
