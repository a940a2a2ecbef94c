-- GET /bench/baseline: a trivial view on the same server (the ceiling).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup, response, done = common.setup, common.response, common.done

local req = wrk.format("GET", "/bench/baseline")
function request() return req end
