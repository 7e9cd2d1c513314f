-- GET /health: the client's ceiling against each server (no database behind the answer).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local api = "/api/2.0/mlflow"
local req

function init(args)
  req = common.get("/health")
end

function request() return req end

function response(status, headers, body) common.count(status, body) end

done = common.done("health")
