-- Shared by every wrk script: loads the generated data set, counts status codes per thread and
-- writes a JSON summary (latency percentiles, errors, codes) to $BENCH_OUT when the run ends.
local M = {}

M.data = dofile(os.getenv("BENCH_DATA"))
M.run = os.getenv("BENCH_RUN") or "run"
M.phase = os.getenv("BENCH_PHASE") or "main"

local threads = {}
local next_id = 0

function M.setup(thread)
  thread:set("id", next_id)
  thread:set("nthreads", tonumber(os.getenv("BENCH_THREADS") or "1"))
  next_id = next_id + 1
  table.insert(threads, thread)
end

codes = {}
sample = nil

function M.response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if status >= 400 and sample == nil then
    sample = tostring(status) .. " " .. string.sub(body or "", 1, 300)
  end
end

local function quote(s)
  return '"' .. string.gsub(s, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function M.done(summary, latency, requests)
  local all = {}
  local samples = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("codes") or {}
    for status, n in pairs(c) do all[status] = (all[status] or 0) + n end
    local s = thread:get("sample")
    if s then table.insert(samples, quote(s)) end
  end
  local parts = {}
  for status, n in pairs(all) do table.insert(parts, quote(tostring(status)) .. ":" .. n) end
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"duration_us":%d,"requests":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d},' ..
    '"codes":{%s},"error_samples":[%s]}',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    table.concat(parts, ","), table.concat(samples, ",")))
  out:close()
end

return M
