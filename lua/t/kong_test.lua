-- The Kong plugin (lua/kong/plugins/awsval) against a STUB of Kong's plugin interface: the
-- `kong` PDK global (kong.log, kong.response.exit) and kong.db.schema.typedefs are stand-ins
-- written here, and `ngx` is lua/t/stub_gateway.lua's shim. This is not a real Kong; the
-- plugin's request reading and checking (resty.awsval and the library) run for real.
-- usage: luajit lua/t/kong_test.lua REPO_ROOT BUILD_DIR WORK_DIR
package.path = assert(arg[1], "REPO_ROOT") .. "/lua/t/?.lua;" .. package.path
local t = require "stub_gateway"

-- STUB of kong.db.schema.typedefs: markers only.
package.preload["kong.db.schema.typedefs"] = function()
    return { protocols_http = { "stub:protocols_http" }, no_consumer = { "stub:no_consumer" } }
end

-- STUB of the PDK: kong.response.exit records the answer (the real one also ends the request
-- and sets Content-Length from the body); kong.log.err records messages.
local answer, logged
kong = {
    log = { err = function(...) logged[#logged + 1] = table.concat({ ... }) end },
    response = {
        exit = function(status, body, headers)
            local h = {}
            for k, v in pairs(headers or {}) do h[k:lower()] = v end
            answer = { status = status, body = body, headers = h }
        end,
    },
}

local handler = require "kong.plugins.awsval.handler"
local schema = require "kong.plugins.awsval.schema"

-- The plugin's shape, as Kong loads it.
t.check(type(handler.access) == "function", "handler.access")
t.check(type(handler.PRIORITY) == "number" and type(handler.VERSION) == "string",
        "handler.PRIORITY and VERSION")
t.check(schema.name == "awsval", "schema.name")
local config
for _, f in ipairs(schema.fields) do
    if f.config then config = f.config end
end
if t.check(config and config.type == "record", "schema: a config record") then
    local fields = {}
    for _, f in ipairs(config.fields) do
        local name, def = next(f)
        fields[name] = def
    end
    t.check(fields.service and fields.service.type == "string" and fields.service.required,
            "schema: service is a required string")
    t.check(fields.models_dir and fields.models_dir.type == "string", "schema: models_dir")
    t.check(fields.model_file and fields.model_file.type == "string", "schema: model_file")
    t.check(fields.limit_open and fields.limit_open.type == "boolean"
            and fields.limit_open.default == false, "schema: limit_open defaults to false")
end

-- Kong calls handler:access(conf) with the configuration, defaults filled in.
t.run_cases(function(spec)
    answer, logged = nil, {}
    handler:access(spec)
    t.check(#logged == 0, "kong.log.err: " .. table.concat(logged, "; "))
    return answer
end, { ["content-length"] = true })

-- A configuration whose model does not load: 500 and a log line, nothing let through.
answer, logged = nil, {}
t.set_request({ method = "GET", target = "/", headers = {}, body = "" })
handler:access({ service = "no-such-service", limit_open = false })
t.check(answer and answer.status == 500, "unknown service: status " .. tostring(answer and answer.status))
t.check(#logged == 1 and logged[1]:find("NOTFOUND", 1, true), "unknown service: log " ..
        table.concat(logged, "; "))
print("ok   unknown service: 500 and an error log line")

t.finish("kong_test (stub of Kong's plugin interface)")
