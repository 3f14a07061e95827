-- Readers for `make benchmark-surge`: GET one page, anonymously or from signed-in sessions.
-- Environment: SURGE_USERS (optional; lines "index sessionid csrftoken", taken in turn),
-- SURGE_THREADS (wrk's -t), SURGE_OUT (where done() writes the figures).
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  statuses, people, position = {}, {}, 0
  local file = os.getenv("SURGE_USERS")
  if file ~= nil and file ~= "" then
    local count = tonumber(os.getenv("SURGE_THREADS"))
    local line_number = 0
    for line in io.lines(file) do
      if line_number % count == thread_number - 1 then
        local index, session, csrf = line:match("^(%S+)%s*(%S*)%s*(%S*)$")
        -- The account's cookie too, as the site leaves it with a signed-in browser.
        people[#people + 1] = "sessionid=" .. session .. "; csrftoken=" .. csrf
          .. "; veche_account=" .. index
      end
      line_number = line_number + 1
    end
  end
end

request = function()
  local headers = { ["X-Forwarded-Proto"] = "https" }
  if #people > 0 then
    position = position % #people + 1
    headers["Cookie"] = people[position]
  end
  return wrk.format("GET", nil, headers)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local out = io.open(os.getenv("SURGE_OUT"), "w")
  local e = summary.errors
  out:write(string.format("summary %d %d %d %d %d %d %d\n", summary.duration, summary.requests,
    e.connect, e.read, e.write, e.status, e.timeout))
  out:write(string.format("latency %d %d %d %d\n", latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      out:write(string.format("status %d %d\n", status, count))
    end
  end
  out:close()
end
