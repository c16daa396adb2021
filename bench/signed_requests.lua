-- wrk script: each thread posts its own share of pre-signed, distinct webhook requests.
-- Reads the file named by the REQUESTS environment variable (see make_signed_requests.py), or
-- with REQUESTS_RAW the thread's own file of whole requests.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  -- Whole requests written ahead for this thread (make_signed_requests.py THREADS TARGET):
  -- reading them costs a fraction of formatting each one here.
  local raw = os.getenv("REQUESTS_RAW")
  if raw then
    requests = {}
    local f = assert(io.open(raw .. "." .. index, "rb"))
    while true do
      local length = f:read(8)
      if not length then break end
      requests[#requests + 1] = f:read(tonumber(length))
    end
    f:close()
    position = 0
    return
  end
  local total = tonumber(os.getenv("WRK_THREADS") or "2")
  local path = os.getenv("REQUESTS")
  local target = os.getenv("TARGET_PATH") or "/webhooks/bench"
  requests = {}
  local n = 0
  for line in io.lines(path) do
    if n % total == index then
      local id, ts, sig, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      requests[#requests + 1] = wrk.format("POST", target, {
        ["Content-Type"] = "application/json",
        ["svix-id"] = id, ["svix-timestamp"] = ts, ["svix-signature"] = sig,
      }, body)
    end
    n = n + 1
  end
  position = 0
end

function request()
  position = position + 1
  if position > #requests then position = 1 end
  return requests[position]
end

-- No response() callback: defining one makes wrk parse every response's headers into Lua
-- tables, which cost the client a large share of the CPU it shares with the server here.
-- wrk counts non-2xx answers itself.

function done(summary, latency, requests)
  io.stderr:write(string.format("tail: p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, p99.99 %.2f ms, max %.2f ms\n",
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency:percentile(99.99) / 1000, latency.max / 1000))
end
