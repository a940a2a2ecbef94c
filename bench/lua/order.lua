-- POST /api/orders/: a random valid cart (1-3 distinct items, quantity 1-3, sometimes a size option)
-- at a random restaurant, from a random one of many customers, each with a fresh Idempotency-Key.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup, response, done = common.setup, common.response, common.done

local restaurants = common.data.restaurants
local tokens = common.data.customer_tokens
local counter = 0
local payments = {"cash", "card", "online"}

function init(args) math.randomseed(os.time() + (id or 0) * 7919) end

function request()
  counter = counter + 1
  local r = restaurants[math.random(#restaurants)]
  local body = '{"restaurant":' .. r.id .. ',"items":[' .. common.cart(r) .. '],' ..
    '"delivery_address":{"street":"1 Bench Road","city":"' .. r.city .. '","state":"IL","zip_code":"10001"},' ..
    '"payment_method":"' .. payments[math.random(3)] .. '"}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Idempotency-Key"] = "bench-" .. common.run .. "-" .. common.phase .. "-" .. id .. "-" .. counter,
  }
  return wrk.format("POST", "/api/orders/", headers, body)
end
