-- resty.awsval's Lua API in Debian's LuaJIT (the runtime of Debian's lua-nginx-module), against
-- the library built from this tree; expected answers come from the `awsval` CLI of the same
-- build, never from text written here.
-- usage: luajit lua/t/api_test.lua REPO_ROOT BUILD_DIR WORK_DIR
package.path = assert(arg[1], "REPO_ROOT") .. "/lua/t/?.lua;" .. package.path
local t = require "stub_gateway" -- (only its helpers: check, run, paths; no gateway here)
local awsval = require "resty.awsval"
local cjson = require "cjson"
local cli = t.build .. "/awsval"

local function cli_json(args)
    local out, rc = t.run(("'%s' --format json %s"):format(cli, args))
    return cjson.decode(out), rc
end

-- Loading: errors are values, not crashes.
t.check(not pcall(awsval.configure, { nosuch = 1 }), "configure accepted an unknown option")
t.check(not pcall(awsval.configure, { lib = "/elsewhere/libawsval.so" }),
        "configure took another library path after the library was loaded")
local ok0, err0 = awsval.configure{ max_size = 3 * 2 ^ 30 } -- over the library's 2 GiB
t.check(ok0 == nil and tostring(err0):find("BADARG", 1, true),
        "configure{max_size = 3 GiB}: " .. tostring(ok0) .. " " .. tostring(err0))
t.check(not pcall(awsval.configure, { max_depth = -1 }), "configure{max_depth = -1} did not raise")
t.check(not pcall(awsval.configure, { max_depth = "8" }), "configure{max_depth = '8'} did not raise")
t.check(not pcall(awsval.load_builtin, "vpc-lattice", { nosuch = true }),
        "a model option that does not exist did not raise")
local services, rc = t.run(("'%s' services"):format(cli))
t.check(rc == 0 and table.concat(awsval.builtin_services(), "\n") .. "\n" == services,
        "builtin_services() is not `awsval services`")
t.check(awsval.version():match("^%d+%.%d+%.%d+"), "version " .. awsval.version())

local m = assert(awsval.load_builtin("vpc-lattice"))
t.check(m:service() == "vpc-lattice" and m:protocol() == "rest-json", "model metadata")
do
    local f = assert(io.open(t.root .. "/models/vpc-lattice/2022-11-30/service-2.json"))
    local doc = cjson.decode(f:read("*a"))
    f:close()
    local want = {}
    for name in pairs(doc.operations) do want[#want + 1] = name end
    table.sort(want)
    t.check(table.concat(m:operations(), ",") == table.concat(want, ","),
            "operations() is not the model's operations")
    t.check(m:api_version() == doc.metadata.apiVersion, "api_version()")
end

local function expect_error(what, want_code, ok, err, code)
    t.check(ok == nil and type(err) == "string" and code == want_code,
            ("%s: got %s, %s, %s; want nil, a message, %s"):format(what, tostring(ok),
            tostring(err), tostring(code), want_code))
end
expect_error("load_builtin(unknown)", "NOTFOUND", awsval.load_builtin("no-such-service"))
expect_error("load_dir(missing dir)", "NOTFOUND", awsval.load_dir(t.work .. "/nonexistent", "x"))
expect_error("load_file(missing file)", "IO", awsval.load_file(t.work .. "/nonexistent.json"))
t.write_file(t.work .. "/broken.json", '{"version": "2.0",\n "metadata": [}')
local ok, err, code = awsval.load_file(t.work .. "/broken.json")
expect_error("load_file(broken JSON)", "MODEL", ok, err, code)
t.check(tostring(err):find("line 2", 1, true), "a model error names its line: " .. tostring(err))
t.check(not pcall(awsval.load_builtin, 42), "load_builtin(42) did not raise")
t.check(not pcall(awsval.check, {}, "Op", "{}"), "check with a non-model did not raise")
t.check(not pcall(awsval.check, m, "Op", 42), "check with params 42 did not raise")
expect_error("check(unknown operation)", "NOTFOUND", awsval.check(m, "NoSuchOperation", "{}"))
print("ok   loading and argument errors")

-- Parameter checks against `awsval check`: verdict, every violation, the native body; a report
-- big enough to outgrow the render buffer (the `need` contract).
local tags = {}
for i = 1, 40 do tags[#tags + 1] = ('"aws:key-%02d-%s": "v"'):format(i, ("x"):rep(120)) end
local big = '{"serviceIdentifier": "svc-bad", "serviceNetworkIdentifier": "sn-bad", "tags": {'
    .. table.concat(tags, ", ") .. "}}"
t.write_file(t.work .. "/big.json", big)
local cases = {
    { "vpc-lattice", "CreateServiceNetworkServiceAssociation", t.root ..
      "/examples/vpc-lattice.CreateServiceNetworkServiceAssociation.invalid.json" },
    { "vpc-lattice", "CreateServiceNetworkServiceAssociation", t.root ..
      "/examples/vpc-lattice.CreateServiceNetworkServiceAssociation.valid.json" },
    { "vpc-lattice", "CreateServiceNetworkServiceAssociation", t.work .. "/big.json" },
    { "apprunner", "DeleteVpcIngressConnection", t.root ..
      "/examples/apprunner.DeleteVpcIngressConnection.invalid.json" },
}
local models = { ["vpc-lattice"] = m, apprunner = assert(awsval.load_builtin("apprunner")) }
for _, c in ipairs(cases) do
    local service, op, file = c[1], c[2], c[3]
    local f = assert(io.open(file, "rb"))
    local text = f:read("*a")
    f:close()
    local label = op .. " " .. file:match("[^/]+$")
    local want, crc = cli_json(("check %s %s '%s'"):format(service, op, file))
    local native = t.run(("'%s' --format native check %s %s '%s'"):format(cli, service, op, file))
    local res, rerr = awsval.check(models[service], op, text)
    if t.check(res, label .. ": " .. tostring(rerr)) then
        t.check(res.valid == (crc == 0), label .. ": valid")
        t.check(res.operation == op, label .. ": operation " .. tostring(res.operation))
        t.check(res.total == want.total, label .. ": total")
        t.check(#res.violations == #want.failures, label .. ": violation count")
        for i, w in ipairs(want.failures) do
            local v = res.violations[i] or {}
            t.check(v.kind == w.constraint and v.path == w.path and v.aws_path == w.awsPath
                    and v.message == w.message and v.source == w.source and v.shape == w.shape,
                    ("%s: violation %d: %s %s %s"):format(label, i, tostring(v.kind),
                    tostring(v.path), tostring(v.message)))
        end
        if not res.valid then
            t.check(res.body .. "\n" == native, label .. ": body is not the CLI's native report")
            t.check(res.status and res.content_type ~= "" and res.error_type ~= "",
                    label .. ": rejection pieces")
            -- The same report through render(), right after the check.
            local json = awsval.render("json")
            t.check(cjson.decode(json).total == want.total, label .. ": render('json')")
        else
            t.check(#res.violations == 0 and res.body == nil, label .. ": a valid result")
        end
        if file:find("big.json", 1, true) then
            t.check(#res.body > 4096, "the big report is only " .. #res.body .. " bytes")
        end
    end
    -- The same params as a Lua table (encoded with lua-cjson): the same verdict and violations
    -- (in member order, which a Lua table does not keep; a map echoed whole in a message shows
    -- its keys in the table's order, so messages are compared by kind and path only).
    local tres = awsval.check(models[service], op, cjson.decode(text))
    if t.check(tres, label .. ": table") then
        t.check(tres.valid == (crc == 0) and tres.total == want.total, label .. ": table verdict")
        local a, b = {}, {}
        for _, v in ipairs(tres.violations) do a[#a + 1] = v.kind .. " " .. v.path .. " " .. v.aws_path end
        for _, w in ipairs(want.failures) do b[#b + 1] = w.constraint .. " " .. w.path .. " " .. w.awsPath end
        table.sort(a)
        table.sort(b)
        t.check(table.concat(a, "\n") == table.concat(b, "\n"), label .. ": table violations")
    end
    print(("ok   check %-62s %s"):format(label, crc == 0 and "valid" or "invalid"))
end
t.check(awsval.has_cjson, "lua-cjson was not found")
local _, terr = awsval.check(m, "DeleteServiceNetworkServiceAssociation",
                             { f = function() end })
t.check(terr and terr:find("cannot encode", 1, true), "a function in the table: " .. tostring(terr))

-- check_http: headers as a list or as ngx.req.get_headers() gives them, the same answer; the
-- operation the request was routed to.
local body = '{"VpcIngressConnectionArn": "x"}'
local list = { { "X-Amz-Target", "AppRunner.DeleteVpcIngressConnection" },
               { "Content-Type", "application/x-amz-json-1.0" } }
local map = { ["x-amz-target"] = "AppRunner.DeleteVpcIngressConnection",
              ["content-type"] = { "application/x-amz-json-1.0" } }
local r1 = assert(awsval.check_http(models.apprunner,
                                    { method = "POST", target = "/", headers = list, body = body }))
local r2 = assert(awsval.check_http(models.apprunner,
                                    { method = "POST", target = "/", headers = map, body = body }))
t.check(r1.valid == false and r1.body == r2.body and r1.status == r2.status,
        "check_http: list and map headers disagree")
t.check(r1.operation == "DeleteVpcIngressConnection", "check_http: operation " .. tostring(r1.operation))
local many = {}
for i = 1, 300 do many[#many + 1] = { "X-Filler-" .. i, ("v"):rep(50) } end
many[#many + 1] = list[1]
many[#many + 1] = list[2]
local r3 = assert(awsval.check_http(models.apprunner,
                                    { method = "POST", target = "/", headers = many, body = body }))
t.check(r3.body == r1.body, "check_http with 302 headers (header array growth)")
t.check(not pcall(awsval.check_http, models.apprunner, { method = "POST", headers = { { "A", 1 } } }),
        "a header value that is not a string did not raise")
print("ok   check_http: header forms, routing, growth")

-- Memory: models and contexts are freed (ffi.gc), checks do not accumulate.
local function rss()
    local f = assert(io.open("/proc/self/statm"))
    local _, pages = f:read("*n", "*n")
    f:close()
    return pages * 4
end
local function churn(n)
    for _ = 1, n do
        local mm = assert(awsval.load_builtin("vpc-lattice"))
        assert(awsval.check(mm, "CreateServiceNetworkServiceAssociation", big))
        mm = nil -- luacheck: ignore
        collectgarbage()
    end
end
churn(30)
local before = rss()
churn(150)
local grew = rss() - before
if os.getenv("AWSVAL_LUA_ASAN") then
    -- (ASan keeps freed memory in quarantine: RSS says nothing; LeakSanitizer checks at exit.)
    print("     RSS growth not checked under ASan")
else
    t.check(grew < 2048, ("150 model loads and checks grew RSS by %d KiB"):format(grew))
end
local freed = assert(awsval.load_builtin("apprunner"))
freed:free()
t.check(not pcall(freed.service, freed), "a freed model's service() did not raise")
t.check(not pcall(awsval.check, freed, "DeleteVpcIngressConnection", "{}"),
        "a check with a freed model did not raise")
local info = awsval.ctx_info()
t.check(info and info.memory > 0, "ctx_info")
print(("ok   memory: %d KiB RSS growth over 150 loads + checks; context holds %d bytes")
      :format(grew, info.memory))

t.finish("api_test")
