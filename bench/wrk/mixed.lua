-- The tracked-run workflow (experiment=ID): create a run, log its params (one log-batch),
-- 5 log-batches of 20 metrics, update it to FINISHED; 8 requests per run, each sent once the
-- previous one was answered, as a client with one connection would.
--
-- wrk's Lua state belongs to a thread, and wrk tells request() and response() nothing about the
-- connection, so run.py starts this script with one connection per thread (-t N -c N): the
-- thread's state is then the connection's. `overlaps` counts requests asked for while an answer
-- was still due (more than one connection in a thread); it must stay 0.
-- `finished` counts the update answers that say FINISHED: done() reports finished runs per second.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local api = "/api/2.0/mlflow"
local experiment, n, run_id, phase, waiting, verify_call
local keys = { "loss", "acc", "lr", "grad_norm" }
local steps_per_batch = 5   -- 5 steps x 4 keys = 20 metrics
local last_phase = 7         -- 0 create, 1 params, 2..6 metrics, 7 update

finished = 0
overlaps = 0

function init(args)
  experiment = common.require(common.args(args), "experiment")
  n, phase, waiting = 0, 0, false
  -- wrk calls request() once in the first thread's state before the threads start, to check the script;
  -- that request is never sent.
  verify_call = thread_index == 0
end

local function build()
  local t = common.now_ms()
  if phase == 0 then
    return common.post(api .. "/runs/create", string.format(
      '{"experiment_id":"%s","run_name":"mixed-%d-%d","start_time":%d,"tags":[{"key":"bench","value":"1"}]}',
      experiment, thread_index, n, t))
  elseif phase == 1 then
    return common.post(api .. "/runs/log-batch", string.format(
      '{"run_id":"%s","params":[{"key":"batch_size","value":"64"},{"key":"layers","value":"%d"},'
      .. '{"key":"lr","value":"0.01"},{"key":"optimizer","value":"adam"},{"key":"seed","value":"%d"}],'
      .. '"tags":[{"key":"stage","value":"train"}]}', run_id, thread_index % 8, n))
  elseif phase == last_phase then
    return common.post(api .. "/runs/update", string.format(
      '{"run_id":"%s","status":"FINISHED","end_time":%d}', run_id, t))
  end
  local metrics = {}
  for s = 1, steps_per_batch do
    local step = (phase - 2) * steps_per_batch + s
    for k, key in ipairs(keys) do
      metrics[#metrics + 1] = string.format('{"key":"%s","value":%.6f,"timestamp":%d,"step":%d}',
        key, common.unit(step, k), t, step)
    end
  end
  return common.post(api .. "/runs/log-batch", string.format(
    '{"run_id":"%s","metrics":[%s]}', run_id, table.concat(metrics, ",")))
end

function request()
  if verify_call then
    verify_call = false
    return build()
  end
  if waiting then overlaps = overlaps + 1 end
  waiting = true
  n = n + 1
  return build()
end

function response(status, headers, body)
  waiting = false
  local ok = common.count(status, body)
  if phase == 0 then
    -- {"run": {"info": {"run_id": ...}}}; without an id the next request creates again.
    run_id = ok and body:match('"run_id"%s*:%s*"([%w%-]+)"')
    if run_id then phase = 1 end
  elseif phase == last_phase then
    if ok then finished = finished + 1 end
    phase = 0
  else
    phase = phase + 1
  end
end

done = common.done("mixed", { "finished", "overlaps" })
