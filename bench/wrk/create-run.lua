-- runs/create in the experiment given as experiment=ID: a new run per request.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local api = "/api/2.0/mlflow"
local experiment, n

function init(args)
  experiment = common.require(common.args(args), "experiment")
  n = 0
end

function request()
  n = n + 1
  return common.post(api .. "/runs/create", string.format(
    '{"experiment_id":"%s","run_name":"c%d-%d","start_time":%d,"tags":[{"key":"bench","value":"1"}]}',
    experiment, thread_index, n, common.now_ms()))
end

function response(status, headers, body) common.count(status, body) end

done = common.done("create-run")
