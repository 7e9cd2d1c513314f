-- The tracked-run workflow (experiment=ID): create a run, log its params (one log-batch),
-- 5 log-batches of 20 metrics, update it to FINISHED; 8 requests per run.
--
-- wrk tells a script neither which connection asks for the next request nor which request an
-- answer belongs to, so a run cannot be pinned to a connection. Instead each thread keeps a
-- queue of its runs in progress: a run enters it when its create answer arrives (its id read
-- with string.match), and each request takes the run at the head for that run's next step and
-- puts it back at the tail; with the queue empty the request creates a new run. The queue holds
-- about one run per connection, so a run's next step goes out about one round trip after the
-- previous one, as with a client per connection, but is not made to wait for that answer.
-- `finished` counts the update answers that say FINISHED: done() reports finished runs per second.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local api = "/api/2.0/mlflow"
local experiment, n
local queue, head, tail = {}, 1, 0
local keys = { "loss", "acc", "lr", "grad_norm" }
local steps_per_batch = 5   -- 5 steps x 4 keys = 20 metrics
local last_phase = 7         -- 1 params, 2..6 metrics, 7 update

finished = 0
created = 0

function init(args)
  experiment = common.require(common.args(args), "experiment")
  n = 0
end

local function next_step(run)
  local phase = run.phase
  local t = common.now_ms()
  if phase == 1 then
    return common.post(api .. "/runs/log-batch", string.format(
      '{"run_id":"%s","params":[{"key":"batch_size","value":"64"},{"key":"layers","value":"%d"},'
      .. '{"key":"lr","value":"0.01"},{"key":"optimizer","value":"adam"},{"key":"seed","value":"%d"}],'
      .. '"tags":[{"key":"stage","value":"train"}]}', run.id, n % 8, n))
  elseif phase == last_phase then
    return common.post(api .. "/runs/update", string.format(
      '{"run_id":"%s","status":"FINISHED","end_time":%d}', run.id, t))
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
    '{"run_id":"%s","metrics":[%s]}', run.id, table.concat(metrics, ",")))
end

function request()
  n = n + 1
  if head <= tail then
    local run = queue[head]
    queue[head] = nil
    head = head + 1
    local req = next_step(run)
    if run.phase < last_phase then
      run.phase = run.phase + 1
      tail = tail + 1
      queue[tail] = run
    end
    return req
  end
  return common.post(api .. "/runs/create", string.format(
    '{"experiment_id":"%s","run_name":"mixed-%d-%d","start_time":%d,"tags":[{"key":"bench","value":"1"}]}',
    experiment, thread_index, n, common.now_ms()))
end

function response(status, headers, body)
  if not common.count(status, body) then return end
  -- A create answers {"run": {"info": {...}}}, an update {"run_info": {...}}; both name the run.
  local id = body:match('"run_id"%s*:%s*"([%w%-]+)"')
  if not id then return end
  if body:find('"run_info"', 1, true) then
    if body:find('"FINISHED"', 1, true) then finished = finished + 1 end
  else
    created = created + 1
    tail = tail + 1
    queue[tail] = { id = id, phase = 1 }
  end
end

done = common.done("mixed", { "finished", "created" })
