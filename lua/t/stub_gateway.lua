-- STUB, for the Kong and APISIX wrapper tests (lua/t/kong_test.lua, lua/t/apisix_test.lua):
-- a stand-in for the little of lua-nginx-module's `ngx` API that resty.awsval's request reader
-- uses (ngx.req.*, ngx.var.request_uri), so that the wrappers run in Debian's LuaJIT without a
-- gateway. It is NOT nginx: the real nginx integration is tested by lua/t/test_nginx.py.
-- resty.awsval itself and the library run for real; the expected answers come from the
-- `awsval http` CLI built from this tree, given the same request as raw HTTP.
local M = {}

M.root, M.build, M.work = assert(arg[1], "REPO_ROOT"), assert(arg[2], "BUILD_DIR"),
    assert(arg[3], "WORK_DIR")
package.path = M.root .. "/lua/lib/?.lua;" .. M.root .. "/lua/?.lua;" .. package.path
-- (In a gateway the library is found on the loader's path; see README.)
assert(require("resty.awsval").configure{ lib = M.build .. "/libawsval.so" })

local failures, checks = 0, 0
function M.check(cond, what)
    checks = checks + 1
    if not cond then
        failures = failures + 1
        io.stderr:write("FAIL: ", what, "\n")
    end
    return cond
end

function M.finish(name)
    if failures > 0 then
        io.stderr:write(("%s: %d of %d checks failed\n"):format(name, failures, checks))
        os.exit(1)
    end
    print(("%s: %d checks passed"):format(name, checks))
end

-- Runs a shell command; returns its stdout and exit code.
function M.run(cmd)
    local p = assert(io.popen("unset LD_PRELOAD; " .. cmd .. '; echo "exit=$?"'))
    local out = p:read("*a")
    p:close()
    local body, rc = out:match("^(.*)exit=(%d+)\n$")
    return body, tonumber(rc)
end

local function write_file(path, data)
    local f = assert(io.open(path, "wb"))
    f:write(data)
    f:close()
end
M.write_file = write_file

-- ---------------------------------------------------------------------------- the ngx shim

local current -- the request being handled: {method, target, headers, body, in_file}
M.calls = {}

ngx = {
    ERR = 4,
    log = function() end,
    var = setmetatable({}, { __index = function(_, k)
        if k == "request_uri" then return current.target end
    end }),
    req = {
        read_body = function() M.calls.read_body = true end,
        get_body_data = function()
            if current.in_file or current.body == "" then return nil end
            return current.body
        end,
        get_body_file = function()
            return current.in_file and current.body_file or nil
        end,
        get_method = function() return current.method end,
        get_headers = function(max, raw)
            M.calls.get_headers = { max = max, raw = raw }
            local t = {}
            for _, h in ipairs(current.headers) do
                local name = raw and h[1] or h[1]:lower()
                local old = t[name]
                if old == nil then t[name] = h[2]
                elseif type(old) == "table" then old[#old + 1] = h[2]
                else t[name] = { old, h[2] } end
            end
            return t
        end,
    },
}

-- Makes `req` the current request ({method, target, headers = {{name, value}...}, body,
-- in_file = true: nginx buffered the body to a file}).
function M.set_request(req)
    current = req
    M.calls = {}
    if req.in_file then
        req.body_file = M.work .. "/body-" .. tostring(#req.body)
        write_file(req.body_file, req.body)
    end
end

-- ------------------------------------------------------------------- the expected answers

local function raw_request(req)
    local lines = { req.method .. " " .. req.target .. " HTTP/1.1" }
    for _, h in ipairs(req.headers) do lines[#lines + 1] = h[1] .. ": " .. h[2] end
    return table.concat(lines, "\r\n") .. "\r\n\r\n" .. req.body
end

-- What `awsval http SERVICE` answers for the request: {valid = true} or {status, headers =
-- {lowercased name = value}, body}.
function M.cli_answer(req, spec)
    local file = M.work .. "/request.http"
    write_file(file, raw_request(req))
    local margs = ""
    if spec.model_file then margs = "--model '" .. spec.model_file .. "' "
    elseif spec.models_dir then margs = "--models '" .. spec.models_dir .. "' " end
    local out, rc = M.run(("'%s/awsval' %shttp %s '%s'"):format(M.build, margs, spec.service, file))
    if rc == 0 then return { valid = true } end
    assert(rc == 1, "awsval http failed: " .. tostring(out))
    local head, body = out:match("^(.-)\r\n\r\n(.*)$")
    local status = tonumber(head:match("^HTTP/1%.1 (%d+)"))
    local headers = {}
    for name, value in head:gmatch("\r\n([^:\r\n]+): ([^\r\n]*)") do headers[name:lower()] = value end
    return { valid = false, status = status, headers = headers, body = body }
end

-- ----------------------------------------------------------------------------- the cases

local function example(name)
    local f = assert(io.open(M.root .. "/examples/" .. name, "rb"))
    local s = f:read("*a")
    f:close()
    return s
end

local function padded(body, size)
    return body:sub(1, 1) .. (" "):rep(size - #body) .. body:sub(2)
end

local function lattice_create(body)
    return { method = "POST", target = "/servicenetworkserviceassociations",
             headers = { { "Host", "vpc-lattice.us-west-2.amazonaws.com" },
                         { "Content-Type", "application/json" },
                         { "Content-Length", tostring(#body) } },
             body = body }
end

local function apprunner(body, target)
    local h = { { "Host", "apprunner.us-east-1.amazonaws.com" } }
    if target then h[#h + 1] = { "X-Amz-Target", target } end
    h[#h + 1] = { "Content-Type", "application/x-amz-json-1.0" }
    h[#h + 1] = { "Content-Length", tostring(#body) }
    return { method = "POST", target = "/", headers = h, body = body }
end

-- A botocore-like data directory with the repository's VPC Lattice model.
local function models_dir()
    local dir = M.work .. "/botocore-data"
    local _, rc = M.run(("rm -rf '%s' && mkdir -p '%s' && cp -r '%s/models/vpc-lattice' '%s/'")
        :format(dir, dir, M.root, dir))
    assert(rc == 0, "cannot make " .. dir)
    return dir
end

-- {name, spec (the plugin's configuration), request, want = "valid"|"invalid"}
function M.cases()
    local ok = example("vpc-lattice.CreateServiceNetworkServiceAssociation.valid.json")
    local bad = example("vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json")
    local ar_ok = example("apprunner.DeleteVpcIngressConnection.valid.json")
    local ar_bad = example("apprunner.DeleteVpcIngressConnection.invalid.json")
    local lattice = { service = "vpc-lattice", limit_open = false }
    local ar = { service = "apprunner", limit_open = false }
    local in_file = lattice_create(padded(bad, 4096))
    in_file.in_file = true
    local in_file_ok = lattice_create(padded(ok, 4096))
    in_file_ok.in_file = true
    return {
        { "lattice: valid create", lattice, lattice_create(ok), "valid" },
        { "lattice: invalid create", lattice, lattice_create(bad), "invalid" },
        { "lattice: invalid body buffered to a file", lattice, in_file, "invalid" },
        { "lattice: valid body buffered to a file", lattice, in_file_ok, "valid" },
        { "lattice: invalid label, no body", lattice,
          { method = "DELETE", target = "/servicenetworkserviceassociations/snsa-x",
            headers = { { "Host", "h" } }, body = "" }, "invalid" },
        { "lattice: empty body", lattice, lattice_create(""), "invalid" },
        { "apprunner: valid (X-Amz-Target)", ar,
          apprunner(ar_ok, "AppRunner.DeleteVpcIngressConnection"), "valid" },
        { "apprunner: invalid", ar, apprunner(ar_bad, "AppRunner.DeleteVpcIngressConnection"),
          "invalid" },
        { "apprunner: no X-Amz-Target", ar, apprunner(ar_ok, nil), "invalid" },
        { "models_dir: invalid", { service = "vpc-lattice", models_dir = models_dir(),
                                   limit_open = false }, lattice_create(bad), "invalid" },
        { "model_file: invalid", { service = "apprunner", limit_open = false,
                                   model_file = M.root .. "/models/apprunner/2020-05-15/service-2.json" },
          apprunner(ar_bad, "AppRunner.DeleteVpcIngressConnection"), "invalid" },
    }
end

-- Runs every case through `invoke(spec, request)`, which returns nil for "let through" or
-- {status, headers = {lowercased name = value}, body} for the gateway's answer; compares
-- with the CLI (every header of its answer but those named in `gateway_sets`, which the
-- gateway itself writes).
function M.run_cases(invoke, gateway_sets)
    gateway_sets = gateway_sets or {}
    for _, c in ipairs(M.cases()) do
        local name, spec, req, want = c[1], c[2], c[3], c[4]
        local cli = M.cli_answer(req, spec)
        M.check(cli.valid == (want == "valid"), name .. ": the CLI says " ..
            (cli.valid and "valid" or "invalid"))
        M.set_request(req)
        local got = invoke(spec, req)
        M.check(M.calls.read_body, name .. ": the body was not read")
        M.check(M.calls.get_headers and M.calls.get_headers.max == 0 and M.calls.get_headers.raw,
            name .. ": headers not read in full (max_headers 0, raw)")
        if cli.valid then
            M.check(got == nil, name .. ": valid, but the gateway answered " ..
                tostring(got and got.status))
        elseif M.check(got ~= nil, name .. ": invalid, but let through") then
            M.check(got.status == cli.status, ("%s: status %s, the CLI says %s"):format(
                name, tostring(got.status), tostring(cli.status)))
            M.check(got.body == cli.body, name .. ": body differs from the CLI's:\n  got  " ..
                tostring(got.body) .. "\n  want " .. cli.body)
            for hname, hvalue in pairs(cli.headers) do
                if not gateway_sets[hname] then
                    local v = got.headers[hname]
                    M.check(tostring(v) == hvalue, ("%s: header %s is %s, the CLI says %s")
                        :format(name, hname, tostring(v), hvalue))
                end
            end
        end
        print(("ok   %-50s %s"):format(name, cli.valid and "let through"
            or ("answered " .. cli.status)))
    end
end

return M
