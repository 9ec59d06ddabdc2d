-- wrk script for bench/listen: POSTs one link.clicked body with Standard Webhooks headers that
-- differ per request (pre-signed by listen-sign.mjs, since LuaJIT has no HMAC), plus the
-- GitHub-style X-Hub-Signature-256 that adnanh's webhook checks. Each wrk thread takes every
-- Nth line of the request file, so no two threads send the same webhook-id; a thread that runs
-- out starts over (a "wrap": the listener then sees duplicates) and done() reports it.
-- Environment: BENCH_BODY (body file), BENCH_REQUESTS (signed lines), BENCH_HUB_SIGNATURE.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_index", next_id)
  table.insert(threads, thread)
  next_id = next_id + 1
end

function init(args)
  local file = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
  local body = file:read("*a")
  file:close()
  local host = wrk.host .. (wrk.port and (":" .. wrk.port) or "")
  head = "POST " .. wrk.path .. " HTTP/1.1\r\nHost: " .. host ..
    "\r\nContent-Type: application/json\r\nContent-Length: " .. #body ..
    "\r\nX-Hub-Signature-256: " .. os.getenv("BENCH_HUB_SIGNATURE") .. "\r\n"
  tail = "\r\n" .. body
  signed = {}
  local line_number, stride = 0, tonumber(os.getenv("BENCH_THREADS"))
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    if line_number % stride == thread_index then
      local id, timestamp, signature = line:match("^(%S+) (%S+) (%S+)$")
      signed[#signed + 1] = "webhook-id: " .. id .. "\r\nwebhook-timestamp: " .. timestamp ..
        "\r\nwebhook-signature: " .. signature .. "\r\n"
    end
    line_number = line_number + 1
  end
  position, wraps = 0, 0
end

function request()
  position = position + 1
  if position > #signed then
    position, wraps = 1, wraps + 1
  end
  return head .. signed[position] .. tail
end

function done(summary, latency, requests)
  local wrapped = 0
  for _, thread in ipairs(threads) do
    wrapped = math.max(wrapped, thread:get("wraps"))
  end
  io.write(string.format("id wraps: %d\n", wrapped))
end
