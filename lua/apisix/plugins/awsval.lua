-- APISIX plugin "awsval": checks each request against an AWS service model in the access phase
-- and, for an invalid one, answers what the service itself would (status, Content-Type, its
-- error type header, body); a valid request goes on to the upstream unchanged.
--
-- A thin wrapper over resty.awsval (lua/lib/resty/awsval.lua), which reads the request as
-- lua-nginx-module holds it (APISIX runs on OpenResty): the raw target (ngx.var.request_uri),
-- every header, and the body from memory or from the file nginx buffered it to. Tested against
-- a stub of APISIX's plugin interface only (lua/t/apisix_test.lua), not in a real APISIX.
local core = require("apisix.core")
local awsval = require("resty.awsval")

local schema = {
    type = "object",
    properties = {
        -- the service as botocore names it: a built-in model, or the one in models_dir /
        -- model_file
        service = { type = "string", minLength = 1 },
        models_dir = { type = "string", minLength = 1 },
        model_file = { type = "string", minLength = 1 },
        limit_open = { type = "boolean", default = false },
    },
    required = { "service" },
    ["not"] = { required = { "models_dir", "model_file" } },
}

local _M = {
    version = 0.2,
    -- access phase: after the authentication plugins (rewrite phase) and after
    -- consumer-restriction (2400).
    priority = 2390,
    name = "awsval",
    schema = schema,
}

function _M.check_schema(conf)
    local ok, err = core.schema.check(schema, conf)
    if not ok then return false, err end
    -- A model that does not load is a configuration error, found when the route is saved.
    local model, lerr = awsval.model(conf)
    if not model then return false, lerr end
    return true
end

function _M.access(conf, ctx)
    local model, err = awsval.model(conf)
    if not model then
        core.log.error("awsval: cannot load the model: ", err)
        return 500
    end
    local res, cerr = awsval.check_request(model, { limit_open = conf.limit_open })
    if not res then
        core.log.error("awsval: cannot check the request: ", cerr)
        return 500
    end
    if res.valid then return end
    core.response.set_header("Content-Type", res.content_type)
    if res.type_header then core.response.set_header(res.type_header, res.error_type) end
    core.response.set_header("Content-Length", #res.body)
    return res.status, res.body
end

return _M
