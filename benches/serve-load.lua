-- wrk script for benches/serve-load.sh: POSTs generated partners read from $PARTNERS, one per
-- request, or $BATCH of them per request as JSON Lines (for /v1/evaluate/batch).
local bodies = {}
local i = 0

function init(args)
  local batch = tonumber(os.getenv("BATCH") or "1")
  local limit = tonumber(os.getenv("BODIES") or "400")
  local file = assert(io.open(os.getenv("PARTNERS"), "r"))
  local lines = {}
  for line in file:lines() do
    lines[#lines + 1] = line
    if #lines == batch then
      bodies[#bodies + 1] = table.concat(lines, "\n") .. "\n"
      lines = {}
      if #bodies >= limit then break end
    end
  end
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = batch > 1 and "application/x-ndjson" or "application/json"
end

function request()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n")
  end
end
