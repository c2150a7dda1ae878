-- The configuration of Kong plugin "awsval" (see handler.lua).
--   service     the service as botocore names it ("vpc-lattice", "apprunner"): a built-in
--               model, or the one in models_dir / model_file
--   models_dir  a botocore data directory (DIR/SERVICE/VERSION/service-2.json[.gz])
--   model_file  a service-2.json file (plain or gzip)
--   limit_open  a pattern that cannot be decided within the match limits is let through
--               (default: rejected)
local typedefs = require "kong.db.schema.typedefs"

return {
    name = "awsval",
    fields = {
        { protocols = typedefs.protocols_http },
        { consumer = typedefs.no_consumer },
        {
            config = {
                type = "record",
                fields = {
                    { service = { type = "string", required = true } },
                    { models_dir = { type = "string" } },
                    { model_file = { type = "string" } },
                    { limit_open = { type = "boolean", required = true, default = false } },
                },
            },
        },
    },
    entity_checks = {
        { mutually_exclusive = { "config.models_dir", "config.model_file" } },
    },
}
