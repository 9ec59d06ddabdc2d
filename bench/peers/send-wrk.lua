-- wrk script for bench/send: POSTs the body of BENCH_BODY, unsigned, with Content-Type
-- application/json (as hey does): what a load generator does without signing anything.
local file = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
wrk.headers["Content-Type"] = "application/json"
file:close()
