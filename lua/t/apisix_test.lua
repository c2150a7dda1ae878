-- The APISIX plugin (lua/apisix/plugins/awsval.lua) against a STUB of APISIX's plugin
-- interface: apisix.core (core.schema.check, core.log, core.response.set_header) is a
-- stand-in written here, and `ngx` is lua/t/stub_gateway.lua's shim. This is not a real
-- APISIX; the plugin's request reading and checking (resty.awsval and the library) run for real.
-- usage: luajit lua/t/apisix_test.lua REPO_ROOT BUILD_DIR WORK_DIR
package.path = assert(arg[1], "REPO_ROOT") .. "/lua/t/?.lua;" .. package.path
local t = require "stub_gateway"

-- STUB of core.schema.check: the few JSON Schema keywords the plugin's schema uses (type,
-- properties, required, minLength, default, not/required), nothing more.
local function stub_schema_check(schema, conf)
    if type(conf) ~= "table" then return false, "conf: object expected" end
    for _, name in ipairs(schema.required or {}) do
        if conf[name] == nil then return false, "property \"" .. name .. "\" is required" end
    end
    for name, p in pairs(schema.properties or {}) do
        local v = conf[name]
        if v == nil and p.default ~= nil then conf[name] = p.default; v = p.default end
        if v ~= nil then
            local lua_type = ({ string = "string", boolean = "boolean", object = "table" })[p.type]
            if type(v) ~= lua_type then return false, name .. ": wrong type" end
            if p.minLength and #v < p.minLength then return false, name .. ": too short" end
        end
    end
    local n = schema["not"]
    if n and n.required then
        local all = true
        for _, name in ipairs(n.required) do all = all and conf[name] ~= nil end
        if all then return false, "value should not match the \"not\" schema" end
    end
    return true
end

local headers, logged
package.preload["apisix.core"] = function()
    return {
        schema = { check = stub_schema_check },
        log = { error = function(...) logged[#logged + 1] = table.concat({ ... }) end },
        response = { set_header = function(k, v) headers[k:lower()] = v end },
    }
end

local plugin = require "apisix.plugins.awsval"

-- The plugin's shape, as APISIX loads it.
t.check(plugin.name == "awsval" and type(plugin.priority) == "number"
        and type(plugin.version) == "number", "name, priority, version")
t.check(type(plugin.schema) == "table" and type(plugin.check_schema) == "function"
        and type(plugin.access) == "function", "schema, check_schema, access")

-- check_schema: the schema (through the stub validator) and then the model must load.
local ok, err = plugin.check_schema({ service = "vpc-lattice" })
t.check(ok == true, "check_schema(vpc-lattice): " .. tostring(err))
ok = plugin.check_schema({})
t.check(ok == false, "check_schema({}) accepted")
ok, err = plugin.check_schema({ service = "no-such-service" })
t.check(ok == false and tostring(err):find("NOTFOUND", 1, true),
        "check_schema(no-such-service): " .. tostring(err))
ok = plugin.check_schema({ service = "vpc-lattice", models_dir = "/a", model_file = "/b" })
t.check(ok == false, "check_schema with models_dir and model_file accepted")
ok, err = plugin.check_schema({ service = "vpc-lattice", models_dir = "/nonexistent" })
t.check(ok == false and err, "check_schema with a missing models_dir accepted")
print("ok   check_schema: schema, then the model must load")

-- APISIX calls access(conf, ctx); a returned status (and body) is the answer.
t.run_cases(function(spec)
    headers, logged = {}, {}
    local status, body = plugin.access(spec, { var = {} })
    t.check(#logged == 0, "core.log.error: " .. table.concat(logged, "; "))
    if status == nil then return nil end
    return { status = status, body = body, headers = headers }
end)

headers, logged = {}, {}
t.set_request({ method = "GET", target = "/", headers = {}, body = "" })
local status = plugin.access({ service = "no-such-service" }, { var = {} })
t.check(status == 500, "unknown service: status " .. tostring(status))
t.check(#logged == 1, "unknown service: " .. #logged .. " log lines")
print("ok   unknown service: 500 and an error log line")

t.finish("apisix_test (stub of APISIX's plugin interface)")
