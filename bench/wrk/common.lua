-- Shared by the scenario scripts of bench/wrk (loaded with dofile from each of them).
--
-- wrk runs one Lua state per thread plus a main one: setup() and done() run in the main state,
-- request() and response() in the threads'. The counters below are globals of each thread's
-- state; done() reads them back with thread:get and sums them. Every answer that is not 2xx is
-- an error (wrk itself counts only >= 400), and so are wrk's socket errors and timeouts.
--
-- Arguments come after wrk's `--` as key=value words: experiment=ID run=ID runs=ID,ID,...

local common = {}
local threads = {}

-- Per-thread counters (globals: thread:get reads globals).
non2xx = 0
first_error = ""

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function common.args(list)
  local out = {}
  for _, word in ipairs(list) do
    local k, v = word:match("^([%w_]+)=(.*)$")
    if not k then error("bench/wrk: argument '" .. word .. "' is not key=value") end
    out[k] = v
  end
  return out
end

function common.require(args, key)
  local v = args[key]
  if v == nil or v == "" then error("bench/wrk: this scenario needs " .. key .. "=...") end
  return v
end

function common.post(path, body)
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
end

function common.get(path)
  return wrk.format("GET", path)
end

-- Counts an answer; true when it is a 2xx.
function common.count(status, body)
  if status >= 200 and status <= 299 then return true end
  non2xx = non2xx + 1
  if first_error == "" then first_error = "HTTP " .. status .. " " .. (body or ""):sub(1, 200) end
  return false
end

-- A JSON line from a flat table of numbers and strings, keys sorted (no JSON library in wrk).
local function json(t)
  local keys = {}
  for k in pairs(t) do table.insert(keys, k) end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local v = t[k]
    if type(v) == "number" then
      v = (v ~= v or v == math.huge or v == -math.huge) and "null" or string.format("%.6g", v)
      if t[k] == math.floor(t[k]) and math.abs(t[k]) < 1e15 then v = string.format("%d", t[k]) end
    else
      v = '"' .. tostring(v):gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
    end
    table.insert(parts, '"' .. k .. '":' .. v)
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

-- done() for every scenario; `sums` names extra per-thread counters to add up (mixed: finished).
function common.done(scenario, sums)
  return function(summary, latency, requests)
    local non2xx_total, first = 0, ""
    local extra = {}
    for _, t in ipairs(threads) do
      non2xx_total = non2xx_total + (t:get("non2xx") or 0)
      if first == "" then first = t:get("first_error") or "" end
      for _, key in ipairs(sums or {}) do extra[key] = (extra[key] or 0) + (t:get(key) or 0) end
    end
    local e = summary.errors
    local socket_errors = e.connect + e.read + e.write + e.timeout
    local seconds = summary.duration / 1e6
    local out = {
      scenario = scenario,
      threads = #threads,
      duration_s = seconds,
      requests = summary.requests,
      errors = non2xx_total + socket_errors,
      non2xx = non2xx_total,
      connect_errors = e.connect, read_errors = e.read, write_errors = e.write, timeouts = e.timeout,
      rps = summary.requests / seconds,
      p50_ms = latency:percentile(50) / 1000,
      p90_ms = latency:percentile(90) / 1000,
      p99_ms = latency:percentile(99) / 1000,
      max_ms = latency.max / 1000,
      mean_ms = latency.mean / 1000,
      bytes = summary.bytes,
      first_error = first,
    }
    for key, value in pairs(extra) do
      out[key] = value
      out[key .. "_per_s"] = value / seconds
    end
    io.write("\n", json(out), "\n")
  end
end

-- Milliseconds since the epoch (second resolution is enough for start_time/timestamp fields).
function common.now_ms()
  return os.time() * 1000
end

-- Deterministic value in [0, 1) for item i (the metric values; the same on every server).
function common.unit(i, salt)
  local x = (i * 2654435761 + salt * 40503 + 1) % 1000003
  return (x % 1000000) / 1000000
end

return common
