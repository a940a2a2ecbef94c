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

-- A random valid cart of restaurant `r` as the JSON of an order's "items": 1-3 distinct items,
-- quantity 1-3, sometimes one of the item's options (order.lua and quote.lua).
function M.cart(r)
  local lines, used = {}, {}
  for _ = 1, math.random(1, 3) do
    local item = r.items[math.random(#r.items)]
    if not used[item.id] then
      used[item.id] = true
      local options = ""
      if #item.options > 0 and math.random() < 0.5 then
        options = ',"options":[' .. item.options[math.random(#item.options)] .. ']'
      end
      table.insert(lines, '{"menu_item":' .. item.id .. ',"quantity":' .. math.random(1, 3) .. options .. '}')
    end
  end
  return table.concat(lines, ",")
end

return M
