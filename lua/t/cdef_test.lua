-- Checks resty.awsval's ffi.cdef against include/awsval.h:
--   1. every declaration of the cdef is, token for token, the header's declaration of the same
--      name (the header read through the C preprocessor, so comments and AWSVAL_API go);
--   2. every struct of the cdef has, in LuaJIT, the size, alignment and field offsets that the C
--      compiler computes from the header;
--   3. every constant the module keeps (awsval.C) has the value of the header's macro.
-- usage: luajit lua/t/cdef_test.lua REPO_ROOT WORK_DIR
local root, work = assert(arg[1], "REPO_ROOT"), assert(arg[2], "WORK_DIR")
package.path = root .. "/lua/lib/?.lua;" .. package.path
local ffi = require "ffi"
local awsval = require "resty.awsval"

local failures = 0
local function fail(msg)
    failures = failures + 1
    io.stderr:write("FAIL: ", msg, "\n")
end

local function run(cmd)
    local p = assert(io.popen(cmd .. ' 2>&1; echo "exit=$?"'))
    local out = p:read("*a")
    p:close()
    local text, rc = out:match("^(.*)exit=(%d+)\n$")
    if rc ~= "0" then error(cmd .. " failed (exit " .. tostring(rc) .. "):\n" .. out) end
    return text
end

-- The header's own text after the preprocessor (line markers tell which file a line is from).
local function header_text()
    local out = run("gcc -E -I" .. root .. "/include " .. root .. "/include/awsval.h")
    local keep, on = {}, false
    for line in out:gmatch("[^\n]*") do
        local file = line:match('^# %d+ "([^"]*)"')
        if file then
            on = file:sub(-#"include/awsval.h") == "include/awsval.h"
        elseif on then
            keep[#keep + 1] = line
        end
    end
    return (table.concat(keep, "\n"):gsub('__attribute__%(%(visibility%("default"%)%)%)', ""))
end

-- Normalised top-level declarations: whitespace collapsed, none around punctuation.
local function declarations(text)
    local decls, cur, depth = {}, {}, 0
    for ch in text:gmatch(".") do
        cur[#cur + 1] = ch
        if ch == "{" or ch == "(" then depth = depth + 1
        elseif ch == "}" or ch == ")" then depth = depth - 1
        elseif ch == ";" and depth == 0 then
            local d = table.concat(cur):gsub("%s+", " "):gsub(" ?([%*%(%),;{}%[%]]) ?", "%1")
            d = d:gsub("^ ", ""):gsub(" $", "")
            decls[#decls + 1] = d
            cur = {}
        end
    end
    return decls
end

-- The name a declaration declares: a typedef's name, a function's name; nil for an enum.
local function name_of(d)
    if d:match("^enum") then return nil end
    if d:match("^typedef") then return d:match("([%w_]+);$") end
    return d:match("([%w_]+)%(")
end

local header = {}
for _, d in ipairs(declarations(header_text())) do
    local n = name_of(d)
    if n then header[n] = d end
end

local cdef = declarations(awsval._cdef)
local seen, structs = {}, {}
for _, d in ipairs(cdef) do
    local n = name_of(d)
    if not n then
        fail("cdef declaration without a name: " .. d)
    elseif seen[n] then
        fail("declared twice in the cdef: " .. n)
    elseif not header[n] then
        fail("not in include/awsval.h: " .. n)
    elseif header[n] ~= d then
        fail(n .. " differs from include/awsval.h:\n  cdef:   " .. d .. "\n  header: " .. header[n])
    end
    seen[n] = true
    local body = d:match("^typedef struct [%w_]+{(.*)}[%w_]+;$")
    if body then
        local fields = {}
        for f in body:gmatch("[^;]+") do
            local fp = f:match("%(%*([%w_]+)%)") -- function pointer
            if fp then
                fields[#fields + 1] = fp
            else
                local list = f:match("^.-[%s%*]([%w_%[%],]+)$") -- the declarators
                for decl in assert(list, f):gmatch("[^,]+") do
                    fields[#fields + 1] = decl:match("^([%w_]+)")
                end
            end
        end
        structs[#structs + 1] = { name = n, fields = fields }
    end
end
print(("cdef: %d declarations, all as in include/awsval.h"):format(#cdef))

-- Exactly the API the module uses: every function declared is called (`.name(`) outside the
-- cdef, and every type declared is named outside it or inside another declaration.
do
    local f = assert(io.open(root .. "/lua/lib/resty/awsval.lua"))
    local src = f:read("*a")
    f:close()
    local code = src:gsub("local CDEF = %[%[.-%]%]", "")
    local used = 0
    for _, d in ipairs(cdef) do
        local n = name_of(d)
        if n and not d:match("^typedef") then
            if code:find("%." .. n .. "%(") then used = used + 1
            else fail("declared but never called: " .. n) end
        elseif n then
            local elsewhere = code:find(n, 1, true)
            for _, other in ipairs(cdef) do
                if other ~= d and other:find(n, 1, true) then elsewhere = true end
            end
            if not elsewhere then fail("declared but never used: " .. n) end
        end
    end
    print(("cdef: every declaration is used (%d functions called)"):format(used))
end

-- A C program prints what the compiler computes; LuaJIT must agree.
local src = { "#include <stddef.h>", "#include <stdio.h>", '#include "awsval.h"', "int main(void) {" }
local expect = {}
local function emit(key, cexpr, luavalue)
    src[#src + 1] = ('    printf("%%s %%llu\\n", "%s", (unsigned long long)(%s));'):format(key, cexpr)
    expect[key] = luavalue
end
local nfields = 0
for _, s in ipairs(structs) do
    emit(s.name .. ".sizeof", "sizeof(" .. s.name .. ")", ffi.sizeof(s.name))
    emit(s.name .. ".alignof", "_Alignof(" .. s.name .. ")", ffi.alignof(s.name))
    for _, f in ipairs(s.fields) do
        emit(s.name .. "." .. f, "offsetof(" .. s.name .. ", " .. f .. ")", ffi.offsetof(s.name, f))
        nfields = nfields + 1
    end
end
local nconst = 0
for k, v in pairs(awsval.C) do
    emit(k, k, v)
    nconst = nconst + 1
end
src[#src + 1] = "    return 0;\n}\n"
local cfile, exe = work .. "/cdef_layout.c", work .. "/cdef_layout"
local f = assert(io.open(cfile, "w"))
f:write(table.concat(src, "\n"))
f:close()
run("gcc -std=c11 -Wall -Werror -I" .. root .. "/include -o " .. exe .. " " .. cfile)
local got = 0
for line in run(exe):gmatch("[^\n]+") do
    local key, value = line:match("^(%S+) (%d+)$")
    value = tonumber(value)
    if expect[key] == nil then
        fail("unexpected output: " .. line)
    elseif tonumber(expect[key]) ~= value then
        fail(("%s: LuaJIT/module says %s, the C compiler %d"):format(key, tostring(expect[key]), value))
    end
    got = got + 1
end
local want = 0
for _ in pairs(expect) do want = want + 1 end
if got ~= want then fail(("the C program printed %d values, expected %d"):format(got, want)) end
if #structs < 8 or nfields < 40 then fail("too few structs or fields parsed from the cdef") end
print(("layout: %d structs, %d field offsets, %d constants agree with the C compiler"):format(
    #structs, nfields, nconst))

if failures > 0 then
    io.stderr:write(failures, " failure(s)\n")
    os.exit(1)
end
print("cdef_test: ok")
