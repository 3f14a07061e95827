-- Signing for `make benchmark-surge`: every request is another person's first signature.
-- Environment: SURGE_USERS (lines "index [sessionid csrftoken]"), SURGE_THREADS (wrk's -t),
-- SURGE_MODE ("veche": an htmx POST from a signed-in session; "floor": the bare view),
-- SURGE_REFERER, SURGE_OUT (where done() writes what each person was answered).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } surge_timespec;
  int clock_gettime(int clock, surge_timespec *spec);
]]
local spec = ffi.new("surge_timespec")
local function now_us()
  ffi.C.clock_gettime(1, spec) -- CLOCK_MONOTONIC
  return tonumber(spec.tv_sec) * 1000000 + tonumber(spec.tv_nsec) / 1000
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  local count = tonumber(os.getenv("SURGE_THREADS"))
  mode = os.getenv("SURGE_MODE")
  referer = os.getenv("SURGE_REFERER")
  people, position, started, asked, answers, exhausted = {}, 0, {}, {}, {}, 0
  local line_number = 0
  for line in io.lines(os.getenv("SURGE_USERS")) do
    if line_number % count == thread_number - 1 then
      local index, session, csrf = line:match("^(%S+)%s*(%S*)%s*(%S*)$")
      people[#people + 1] = { index = index, session = session, csrf = csrf }
    end
    line_number = line_number + 1
  end
end

local function address_of(index)
  -- LuaJIT (Lua 5.1) has no integer division.
  local network = math.floor(index / 50)
  local wide = math.floor(network / 256) % 64
  return "100." .. (64 + wide) .. "." .. (network % 256) .. "." .. (index % 50 + 1)
end

request = function()
  position = position + 1
  local person = people[position]
  if person == nil then
    -- Out of people: the run was longer than the prepared crowd; counted and reported.
    exhausted = exhausted + 1
    return wrk.format("GET", "/healthz", { ["X-Forwarded-Proto"] = "https" })
  end
  local id = "s" .. person.index
  started[id] = now_us()
  asked[id] = person
  if mode == "floor" then
    return wrk.format("POST", nil, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Request-ID"] = id,
    }, "user=" .. person.index)
  end
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    -- The account's cookie too, as the site leaves it with a signed-in browser.
    ["Cookie"] = "sessionid=" .. person.session .. "; csrftoken=" .. person.csrf
      .. "; veche_account=" .. person.index,
    -- Each person from an address of their own, fifty to a /24, as a crowd on many networks
    -- reaches the site: the rate limits are counted (and cost what they cost), not tripped.
    ["X-Forwarded-For"] = address_of(tonumber(person.index)),
    ["X-CSRFToken"] = person.csrf,
    ["HX-Request"] = "true",
    ["Referer"] = referer,
    ["X-Forwarded-Proto"] = "https",
    ["X-Request-ID"] = id,
  }, "agree=on")
end

response = function(status, headers, body)
  local id = headers["X-Request-ID"] or headers["x-request-id"]
  if id == nil or started[id] == nil then
    return
  end
  local elapsed = math.floor(now_us() - started[id])
  started[id] = nil
  if status == 503 then
    -- Turned away before anything was done: the person tries again later in the run.
    people[#people + 1] = asked[id]
  end
  asked[id] = nil
  local signed = status == 200 and body:find('data-state="signed"', 1, true) ~= nil
  local retry = headers["Retry-After"] and 1 or 0
  answers[#answers + 1] = id:sub(2) .. " " .. status .. " " .. (signed and 1 or 0) .. " " .. retry
    .. " " .. elapsed
end

done = function(summary, latency, requests)
  local out = io.open(os.getenv("SURGE_OUT"), "w")
  local e = summary.errors
  out:write(string.format("summary %d %d %d %d %d %d %d\n", summary.duration, summary.requests,
    e.connect, e.read, e.write, e.status, e.timeout))
  out:write(string.format("latency %d %d %d %d\n", latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
  for _, thread in ipairs(threads) do
    out:write(string.format("exhausted %d\n", thread:get("exhausted")))
    for _, answer in ipairs(thread:get("answers")) do
      out:write("answer " .. answer .. "\n")
    end
  end
  out:close()
end
