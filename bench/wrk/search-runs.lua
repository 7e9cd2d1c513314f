-- runs/search over the pre-filled experiment (experiment=ID): a filter on a metric and a
-- param, ordered by the metric, one page of 100.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local api = "/api/2.0/mlflow"
local req

function init(args)
  local experiment = common.require(common.args(args), "experiment")
  req = common.post(api .. "/runs/search", string.format(
    '{"experiment_ids":["%s"],"filter":"metrics.acc > 0.5 and params.model = \'rf\'",'
    .. '"order_by":["metrics.acc DESC"],"max_results":100}', experiment))
end

function request() return req end

function response(status, headers, body) common.count(status, body) end

done = common.done("search-runs")
