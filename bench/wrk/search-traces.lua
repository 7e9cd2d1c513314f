-- traces/search (MLflow 3's v3 route, as mlflow.search_traces calls it) over the pre-filled
-- bench-traces experiment (experiment=ID): the traces tagged env = 'prod' (one in ten), newest
-- first, one page of 100.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local req

function init(args)
  local experiment = common.require(common.args(args), "experiment")
  req = common.post("/api/3.0/mlflow/traces/search", string.format(
    '{"locations":[{"type":"MLFLOW_EXPERIMENT","mlflow_experiment":{"experiment_id":"%s"}}],'
    .. '"filter":"tags.env = \'prod\'","max_results":100,"order_by":["timestamp_ms DESC"]}', experiment))
end

function request() return req end

function response(status, headers, body) common.count(status, body) end

done = common.done("search-traces")
