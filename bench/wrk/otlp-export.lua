-- POST /v1/traces: one finished trace of ten spans per request, as an OpenTelemetry SDK's batch
-- exporter or the mlflow client sends it: an agent root span and nine children (a retriever, three
-- LLM calls with their messages, five tools), OTLP/JSON with hex ids, into experiment=ID
-- (x-mlflow-experiment-id).
-- Every request is a new trace: the trace id carries the thread and a counter.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "common.lua")
local experiment, n

function init(args)
  experiment = common.require(common.args(args), "experiment")
  n = 0
end

local function span(trace, id, parent, name, kind, start, stop, attrs)
  local parent_field = parent and string.format('"parentSpanId":"%s",', parent) or ""
  return string.format(
    '{"traceId":"%s","spanId":"%s",%s"name":"%s","kind":1,"startTimeUnixNano":"%d","endTimeUnixNano":"%d",'
      .. '"status":{"code":1},"attributes":[{"key":"mlflow.spanType","value":{"stringValue":"\\"%s\\""}},%s]}',
    trace, id, parent_field, name, start, stop, kind, attrs)
end

function request()
  n = n + 1
  local trace = string.format("%08x%08x%016x", thread_index + 1, n, os.time())
  local function id(k) return string.format("%08x%07x%x", thread_index + 1, n % 0x10000000, k) end
  local root = id(0)
  local t = common.now_ms() * 1000000
  local inputs = '{"key":"mlflow.spanInputs","value":{"stringValue":"{\\"question\\": \\"What is the capital of France?\\"}"}}'
  local outputs = '{"key":"mlflow.spanOutputs","value":{"stringValue":"\\"Paris is the capital of France.\\""}}'
  local messages = '{"key":"mlflow.spanInputs","value":{"stringValue":"{\\"messages\\": [{\\"role\\": \\"system\\", '
    .. '\\"content\\": \\"You answer geography questions briefly.\\"}, {\\"role\\": \\"user\\", \\"content\\": '
    .. '\\"What is the capital of France?\\"}]}"}},{"key":"llm.model","value":{"stringValue":"gpt-4o-mini"}},'
    .. '{"key":"llm.tokens","value":{"intValue":"42"}}'
  local spans = {
    span(trace, root, nil, "agent", "AGENT", t, t + 250000000, inputs .. "," .. outputs),
    span(trace, id(1), root, "retrieve", "RETRIEVER", t + 1000000, t + 40000000, inputs),
  }
  for k = 2, 4 do
    local at = t + k * 50000000
    spans[#spans + 1] = span(trace, id(k), root, "chat", "LLM", at, at + 30000000, messages .. "," .. outputs)
  end
  for k = 5, 9 do
    local at = t + 200000000 + k * 4000000
    spans[#spans + 1] = span(trace, id(k), root, "tool-" .. k, "TOOL", at, at + 3000000, inputs)
  end
  local body = '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bench"}}]},'
    .. '"scopeSpans":[{"scope":{"name":"bench"},"spans":[' .. table.concat(spans, ",") .. ']}]}]}'
  return wrk.format("POST", "/v1/traces", { ["Content-Type"] = "application/json", ["x-mlflow-experiment-id"] = experiment }, body)
end

function response(status, headers, body) common.count(status, body) end

done = common.done("otlp-export")
