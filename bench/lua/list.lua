-- GET /api/restaurants/?city=... (cached per query), a random city per request.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup, response, done = common.setup, common.response, common.done

local reqs = {}
for i, city in ipairs(common.data.cities) do reqs[i] = wrk.format("GET", "/api/restaurants/?city=" .. city) end

function init(args) math.randomseed(os.time() + (id or 0) * 7919) end
function request() return reqs[math.random(#reqs)] end
