-- POST /api/restaurants/{id}/quote/: an anonymous storefront asking the price and ETA of a random valid
-- cart (1-3 distinct items, sometimes an option), half for delivery, half for pickup.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup, response, done = common.setup, common.response, common.done

local restaurants = common.data.restaurants

function init(args) math.randomseed(os.time() + (id or 0) * 7919) end

function request()
  local r = restaurants[math.random(#restaurants)]
  local fulfilment = '{"type":"pickup"}'
  if math.random() < 0.5 then
    fulfilment = '{"type":"delivery","address":{"street":"1 Bench Road","city":"' .. r.city ..
      '","state":"IL","zip_code":"10001"}}'
  end
  local body = '{"items":[' .. common.cart(r) .. '],"fulfilment":' .. fulfilment .. '}'
  return wrk.format("POST", "/api/restaurants/" .. r.id .. "/quote/", {["Content-Type"] = "application/json"}, body)
end
