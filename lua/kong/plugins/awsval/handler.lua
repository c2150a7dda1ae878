-- Kong plugin "awsval": checks each request against an AWS service model in the access phase
-- and, for an invalid one, answers what the service itself would (status, Content-Type, its
-- error type header, body); a valid request goes on to the upstream unchanged.
--
-- A thin wrapper over resty.awsval (lua/lib/resty/awsval.lua), which reads the request as
-- lua-nginx-module holds it (Kong runs on OpenResty): the raw target (ngx.var.request_uri),
-- every header, and the body from memory or from the file nginx buffered it to (which
-- kong.request.get_raw_body() refuses). Tested against a stub of Kong's plugin interface only
-- (lua/t/kong_test.lua), not in a real Kong.
local awsval = require "resty.awsval"

local kong = kong

local AwsvalHandler = {
    VERSION = "0.2.0",
    -- After authentication (1000 and up), ACL (950) and rate limiting (910); before
    -- request-transformer (801), so that the request is checked as the client sent it.
    PRIORITY = 900,
}

local function fail(what, err)
    kong.log.err("awsval: ", what, ": ", err)
    return kong.response.exit(500, { message = "An unexpected error occurred" })
end

function AwsvalHandler:access(conf)
    local model, err = awsval.model(conf)
    if not model then return fail("cannot load the model", err) end
    local res, cerr = awsval.check_request(model, { limit_open = conf.limit_open })
    if not res then return fail("cannot check the request", cerr) end
    if res.valid then return end
    local headers = { ["Content-Type"] = res.content_type }
    if res.type_header then headers[res.type_header] = res.error_type end
    return kong.response.exit(res.status, res.body, headers)
end

return AwsvalHandler
