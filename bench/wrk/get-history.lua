-- metrics/get-history of the pre-filled run (run=ID): its whole "loss" history in one answer.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local api = "/api/2.0/mlflow"
local req

function init(args)
  local run = common.require(common.args(args), "run")
  req = common.get(api .. "/metrics/get-history?run_id=" .. run .. "&metric_key=loss")
end

function request() return req end

function response(status, headers, body) common.count(status, body) end

done = common.done("get-history")
