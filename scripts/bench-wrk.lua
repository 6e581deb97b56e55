-- bench-wrk.lua — wrk request generator and reporter for scripts/bench.sh.
--
-- BENCH_REQS names a file of tab-separated lines: METHOD<TAB>PATH<TAB>TOKEN<TAB>BODY (TOKEN and BODY
-- may be empty). Each wrk thread cycles through the lines from its own offset. In BODY, `{{n}}` becomes a
-- number unique to this request (thread id and counter), so every answer submission is a new answer.
-- At the end one line is printed:  BENCHJSON {"rps":…, "p50_ms":…, "p99_ms":…, …}
local lines = {}
local idx = 0
local counter = 0
local tid = 0
local threads = {}

local function split(s)
  local out = {}
  for field in (s .. "\t"):gmatch("([^\t]*)\t") do
    out[#out + 1] = field
  end
  return out
end

function setup(thread)
  thread:set("thread_id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  local path = os.getenv("BENCH_REQS")
  local f = assert(io.open(path, "r"), "cannot open BENCH_REQS " .. tostring(path))
  for line in f:lines() do
    if line ~= "" then
      local p = split(line)
      lines[#lines + 1] = { method = p[1], path = p[2], token = p[3] or "", body = p[4] or "" }
    end
  end
  f:close()
  assert(#lines > 0, "BENCH_REQS is empty")
  tid = tonumber(thread_id) or 0
  -- Spread the threads over the list.
  idx = (tid * 7919) % #lines
end

function request()
  idx = idx % #lines + 1
  counter = counter + 1
  local r = lines[idx]
  local headers = {}
  if r.token ~= "" then
    headers["Authorization"] = "Bearer " .. r.token
  end
  local body = nil
  if r.body ~= "" then
    headers["Content-Type"] = "application/json"
    body = r.body:gsub("{{n}}", tostring(tid) .. "-" .. tostring(counter))
  end
  return wrk.format(r.method, r.path, headers, body)
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,' ..
    '"max_ms":%.3f,"non2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d}\n',
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout))
end
