-- GET /api/restaurants/{id}/menu/ (cached), a random restaurant per request.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup, response, done = common.setup, common.response, common.done

local restaurants = common.data.restaurants
local reqs = {}
for i, r in ipairs(restaurants) do reqs[i] = wrk.format("GET", "/api/restaurants/" .. r.id .. "/menu/") end

function init(args) math.randomseed(os.time() + (id or 0) * 7919) end
function request() return reqs[math.random(#reqs)] end
