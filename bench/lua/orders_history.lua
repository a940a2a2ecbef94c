-- GET /api/orders/?search=..&status=..&created_from=..&created_to=.. by a restaurant's owner over its
-- seeded orders (order history: search + status + a local-date range of the last 30 days).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup, response, done = common.setup, common.response, common.done

local terms = {"00", "-01", "12", "example", "an"}
local statuses = {"pending", "pending,confirmed", "delivered,cancelled", "confirmed,preparing,ready"}
local created_from = os.date("!%Y-%m-%d", os.time() - 30 * 86400)
local created_to = os.date("!%Y-%m-%d", os.time() + 86400)

local reqs = {}
for _, r in ipairs(common.data.restaurants) do
  local headers = {["Authorization"] = "Bearer " .. r.owner_token, ["X-Tenant-ID"] = r.tenant_id}
  for i, term in ipairs(terms) do
    local path = "/api/orders/?search=" .. term .. "&status=" .. statuses[(i % #statuses) + 1]
      .. "&created_from=" .. created_from .. "&created_to=" .. created_to
    table.insert(reqs, wrk.format("GET", path, headers))
  end
  if #reqs >= 2000 then break end
end

function init(args) math.randomseed(os.time() + (id or 0) * 7919) end
function request() return reqs[math.random(#reqs)] end
