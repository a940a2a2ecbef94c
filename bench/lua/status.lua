-- POST /api/orders/{id}/status/ by the restaurant's owner: each thread walks its own slice of the
-- seeded pending orders round by round (confirmed, preparing, ready, out_for_delivery, delivered),
-- so an order's next step is sent long after its previous one completed. $BENCH_SLICE="from,to"
-- (fractions) keeps warm-up and measured runs on disjoint orders.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup, response, done = common.setup, common.response, common.done

local steps = {"confirmed", "preparing", "ready", "out_for_delivery", "delivered"}
local owner_of = {}
for _, r in ipairs(common.data.restaurants) do owner_of[r.tenant_id] = r.owner_token end

local mine = {}
local counter = 0

function init(args)
  local all = common.data.pending_orders
  local from, to = string.match(os.getenv("BENCH_SLICE") or "0,1", "([%d.]+),([%d.]+)")
  local first, last = math.floor(#all * tonumber(from)) + 1, math.floor(#all * tonumber(to))
  for i = first, last do
    if (i % nthreads) == id then table.insert(mine, all[i]) end
  end
end

function request()
  local n = #mine
  local order = mine[(counter % n) + 1]
  local step = steps[math.floor(counter / n) % #steps + 1]
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. owner_of[order.tenant_id],
    ["X-Tenant-ID"] = order.tenant_id,
  }
  return wrk.format("POST", "/api/orders/" .. order.id .. "/status/", headers, '{"status":"' .. step .. '"}')
end
