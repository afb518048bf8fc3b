// See CLuaShim.h for why this file exists. This is the only code in Vernier
// that raises Lua errors (lua_error, luaL_error, luaL_check*).
#define _GNU_SOURCE
#include "CLuaShim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// Registry keys: the addresses are unique, so light-userdata keys need no
// string allocation to look up (Swift may look them up from host code).
static const char vl_tensor_mt_key = 0;
static const char vl_base_key = 0;
static const char vl_base_real_key = 0;
static const char vl_frozen_key = 0;
static const char vl_slots[8] = {0, 0, 0, 0, 0, 0, 0, 0};

// MARK: Allocator, panic, warnings

// Counts every byte Lua allocates and refuses growth past the cap, except
// while host code runs (host_depth > 0). Shrinks and frees always succeed:
// Lua assumes a shrink never fails.
static void *vl_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    vl_context *c = (vl_context *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        c->heap_used -= old;
        return NULL;
    }
    if (nsize > old && c->host_depth == 0 && c->heap_limit > 0 && c->heap_used - old + nsize > c->heap_limit) {
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL) {
        // A failed shrink keeps the old block, which is still valid.
        return nsize <= old ? ptr : NULL;
    }
    c->heap_used = c->heap_used - old + nsize;
    return p;
}

// Reached only by an error outside any protected call, i.e. a host bug or
// real memory exhaustion in host code. Returning would make Lua abort
// without a message, so say what happened first.
static int vl_panic(lua_State *L) {
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(no message)";
    fprintf(stderr, "vernier: unprotected Lua error (host bug or out of memory): %s\n", msg);
    fflush(stderr);
    abort();
    return 0;
}

// Lua's own warnings (lua_warning) go to the host logger, piece by piece.
static void vl_warnf(void *ud, const char *msg, int tocont) {
    (void)tocont;
    vl_context *c = (vl_context *)ud;
    if (c->log) c->log(c->log_ud, 1, msg, strlen(msg));
}

static double vl_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

// MARK: Limit hook

// Runs every VL_HOOK_STEP instructions. Once a limit trips it re-arms itself
// with a count of 1 and raises on every instruction until the call returns,
// so `while true do pcall(f) end` cannot swallow the error.
static void vl_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    vl_context *c = vl_context_of(L);
    if (c->tripped == VL_TRIP_NONE) {
        if (lua_gethookcount(L) != VL_HOOK_STEP) {
            // A coroutine left at step 1 by an earlier tripped call: restore
            // the normal step and count this one instruction.
            lua_sethook(L, vl_hook, LUA_MASKCOUNT, VL_HOOK_STEP);
            c->instructions_used += 1;
        } else {
            c->instructions_used += VL_HOOK_STEP;
        }
        if (c->instruction_limit <= 0) {
            c->tripped = VL_TRIP_UNARMED;
        } else if (c->instructions_used > c->instruction_limit) {
            c->tripped = VL_TRIP_INSTRUCTIONS;
        } else if (c->deadline > 0 && vl_now() > c->deadline) {
            c->tripped = VL_TRIP_DEADLINE;
        }
        if (c->tripped == VL_TRIP_NONE) return;
    }
    lua_sethook(L, vl_hook, LUA_MASKCOUNT, 1);
    switch (c->tripped) {
    case VL_TRIP_INSTRUCTIONS: luaL_error(L, "instruction budget exceeded"); break;
    case VL_TRIP_DEADLINE: luaL_error(L, "time limit exceeded"); break;
    default: luaL_error(L, "Lua code ran outside a host call"); break;
    }
}

lua_State *vl_newstate(vl_context *ctx) {
    lua_State *L = lua_newstate(vl_alloc, ctx);
    if (L == NULL) return NULL;
    lua_atpanic(L, vl_panic);
    lua_setwarnf(L, vl_warnf, ctx);
    lua_sethook(L, vl_hook, LUA_MASKCOUNT, VL_HOOK_STEP);
    return L;
}

vl_context *vl_context_of(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (vl_context *)ud;
}

// MARK: Calls

// The message handler: a traceback under the message. It never calls an
// untrusted __tostring (a looping one would hang error reporting). The cap is
// lifted while it builds the text so a memory error does not become
// "error in error handling".
static int vl_msgh(lua_State *L) {
    vl_context *c = vl_context_of(L);
    c->host_depth++;
    const char *msg;
    int t = lua_type(L, 1);
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        msg = lua_tostring(L, 1);
    } else {
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    c->host_depth--;
    return 1;
}

int vl_call(lua_State *L, int nargs, int nresults, int64_t max_instructions, double max_seconds, int *tripped) {
    vl_context *c = vl_context_of(L);
    int saved_depth = c->host_depth;
    int64_t saved_limit = c->instruction_limit, saved_used = c->instructions_used;
    double saved_deadline = c->deadline;
    c->host_depth++;
    int room = lua_checkstack(L, 2);
    c->host_depth--;
    if (!room) {
        *tripped = VL_TRIP_NONE;
        return LUA_ERRMEM;
    }
    int fn = lua_gettop(L) - nargs;
    lua_pushcfunction(L, vl_msgh);
    lua_insert(L, fn);
    c->host_depth = 0;
    c->tripped = VL_TRIP_NONE;
    c->instructions_used = 0;
    c->instruction_limit = max_instructions > 0 ? max_instructions : INT64_MAX;
    c->deadline = max_seconds > 0 ? vl_now() + max_seconds : 0;
    lua_sethook(L, vl_hook, LUA_MASKCOUNT, VL_HOOK_STEP);
    int status = lua_pcall(L, nargs, nresults, fn);
    *tripped = c->tripped;
    c->tripped = VL_TRIP_NONE;
    c->instruction_limit = saved_limit;
    c->instructions_used = saved_used;
    c->deadline = saved_deadline;
    lua_sethook(L, vl_hook, LUA_MASKCOUNT, VL_HOOK_STEP);
    c->host_depth = saved_depth;
    lua_remove(L, fn);
    return status;
}

// Raises the message a Swift host function pushed, prefixed with the
// position of the Lua code that called it.
static int vl_raise_host_error(lua_State *L) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
    return lua_error(L);
}

static int vl_run_host(lua_State *L, void *box) {
    vl_context *c = vl_context_of(L);
    c->host_depth++;
    int n = c->host_entry(L, box);
    c->host_depth--;
    if (n < 0) return vl_raise_host_error(L);
    return n;
}

// The C closure behind every Swift host function (upvalue 1: the box).
static int vl_trampoline(lua_State *L) {
    return vl_run_host(L, lua_touserdata(L, lua_upvalueindex(1)));
}

static int vl_protected_entry(lua_State *L) {
    void *box = lua_touserdata(L, 1);
    lua_remove(L, 1);
    return vl_run_host(L, box);
}

int vl_protected(lua_State *L, void *box, int nargs, int nresults) {
    vl_context *c = vl_context_of(L);
    c->host_depth++;
    int room = lua_checkstack(L, 4);
    c->host_depth--;
    if (!room) return LUA_ERRMEM;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, vl_protected_entry);
    lua_insert(L, base + 1);
    lua_pushlightuserdata(L, box);
    lua_insert(L, base + 2);
    return lua_pcall(L, nargs + 1, nresults, 0);
}

void vl_push_host_function(lua_State *L, void *box) {
    lua_pushlightuserdata(L, box);
    lua_pushcclosure(L, vl_trampoline, 1);
}

// Runs `f` with `arg` as light userdata in protected mode; the stack room
// for the two pushes is taken with the cap lifted.
static int vl_pcall_c(lua_State *L, lua_CFunction f, void *arg, int nargs, int nresults) {
    vl_context *c = vl_context_of(L);
    c->host_depth++;
    int room = lua_checkstack(L, 3);
    c->host_depth--;
    if (!room) return LUA_ERRMEM;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, f);
    lua_insert(L, base + 1);
    lua_pushlightuserdata(L, arg);
    lua_insert(L, base + 2);
    return lua_pcall(L, nargs + 1, nresults, 0);
}

// MARK: Frozen tables

static int vl_frozen_newindex(lua_State *L) {
    return luaL_error(L, "attempt to modify read-only table '%s'", lua_tostring(L, lua_upvalueindex(1)));
}

static int vl_frozen_next(lua_State *L) {
    lua_settop(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 2);
    if (lua_next(L, 3)) return 2;
    return 0;
}

// __pairs returns an iterator closed over the hidden table, never the table
// itself (a script holding it could write to it).
static int vl_frozen_pairs(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, vl_frozen_next, 1);
    lua_pushnil(L);
    lua_pushnil(L);
    return 3;
}

static int vl_frozen_len(lua_State *L) {
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
    return 1;
}

static int vl_is_frozen(lua_State *L, int idx) {
    if (!lua_getmetatable(L, idx)) return 0;
    int frozen = lua_rawgetp(L, -1, &vl_frozen_key) != LUA_TNIL;
    lua_pop(L, 2);
    return frozen;
}

void vl_freeze(lua_State *L, const char *name) {
    int real = lua_gettop(L);
    lua_newtable(L);
    lua_createtable(L, 0, 6);
    lua_pushvalue(L, real);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_pushcclosure(L, vl_frozen_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, real);
    lua_pushcclosure(L, vl_frozen_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushvalue(L, real);
    lua_pushcclosure(L, vl_frozen_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushboolean(L, 1);
    lua_rawsetp(L, -2, &vl_frozen_key);
    lua_setmetatable(L, -2);
    lua_replace(L, real);
}

// MARK: Host replacements for base functions

// setmetatable without __gc: finalizers run with hooks disabled (they could
// loop forever, also inside lua_close).
static int vl_setmetatable(lua_State *L) {
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) {
            return luaL_error(L, "setmetatable: __gc finalizers are not allowed in the sandbox");
        }
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) {
        return luaL_error(L, "cannot change a protected metatable");
    }
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

// rawset that refuses read-only (frozen) tables, whose raw slots would
// otherwise shadow the hidden library table.
static int vl_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (vl_is_frozen(L, 1)) return luaL_error(L, "rawset: table is read-only");
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

// print and warn go to the host logger (no stdout in the sandbox).
static int vl_log_args(lua_State *L, int level) {
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    size_t len = 0;
    const char *s = lua_tolstring(L, -1, &len);
    vl_context *c = vl_context_of(L);
    if (c->log) c->log(c->log_ud, level, s, len);
    return 0;
}

// xpcall whose message handler runs after the error has unwound. Lua runs
// a handler while it raises; when the error comes from the limit hook, hooks
// are still disabled at that point, so a looping handler could never be
// stopped. Here the handler runs as ordinary code, under the hook.
static int vl_xpcall(lua_State *L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    luaL_checkstack(L, n + 2, "too many arguments");
    lua_pushvalue(L, 1);
    for (int i = 3; i <= n; i++) lua_pushvalue(L, i);
    if (lua_pcall(L, n - 2, LUA_MULTRET, 0) == LUA_OK) {
        lua_pushboolean(L, 1);
        lua_insert(L, n + 1);
        return lua_gettop(L) - n;
    }
    lua_pushvalue(L, 2);
    lua_insert(L, -2);
    lua_pcall(L, 1, 1, 0);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

// table.insert and table.remove loop in C from the table's length to the
// position; a __len metamethod returning math.maxinteger makes that loop run
// for ages with no instruction for the hook to count. Without __len the length
// is the raw border, bounded by the table's memory, and the standard function
// (upvalue 1) runs.
static int vl_table_lengthguard(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (luaL_getmetafield(L, 1, "__len") != LUA_TNIL) {
        return luaL_error(L, "table.insert/table.remove: tables with a __len metamethod are not supported in the sandbox");
    }
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

static int vl_print(lua_State *L) { return vl_log_args(L, 0); }
static int vl_warn(lua_State *L) { return vl_log_args(L, 1); }

// MARK: Plain-text string helpers (Lua patterns can run for minutes inside
// one C call, where the hook cannot stop them)

static size_t vl_posrelat(lua_Integer pos, size_t len) {
    if (pos > 0) return (size_t)pos;
    if (pos == 0) return 1;
    if (pos < -(lua_Integer)len) return 1;
    return len + (size_t)pos + 1;
}

// string.find(s, text [, init [, plain]]) with plain = true only. memmem is
// linear time (two-way algorithm), unlike Lua's own plain search.
static int vl_str_find(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = vl_posrelat(luaL_optinteger(L, 3, 1), ls);
    if (!lua_toboolean(L, 4)) {
        return luaL_error(L, "string.find: Lua patterns are disabled in the sandbox; "
                             "call string.find(s, text, init, true) for a plain search");
    }
    if (init > ls + 1) {
        luaL_pushfail(L);
        return 1;
    }
    const char *found = lp == 0 ? s + init - 1 : memmem(s + init - 1, ls - init + 1, p, lp);
    if (found == NULL) {
        luaL_pushfail(L);
        return 1;
    }
    lua_pushinteger(L, (lua_Integer)(found - s) + 1);
    lua_pushinteger(L, (lua_Integer)(found - s) + (lua_Integer)lp);
    return 2;
}

static int vl_str_contains(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    lua_pushboolean(L, lp == 0 || memmem(s, ls, p, lp) != NULL);
    return 1;
}

static int vl_str_starts_with(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    lua_pushboolean(L, lp <= ls && memcmp(s, p, lp) == 0);
    return 1;
}

static int vl_str_ends_with(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    lua_pushboolean(L, lp <= ls && memcmp(s + ls - lp, p, lp) == 0);
    return 1;
}

static int vl_isspace(char ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

static int vl_str_trim(lua_State *L) {
    size_t ls;
    const char *s = luaL_checklstring(L, 1, &ls);
    size_t lo = 0, hi = ls;
    while (lo < hi && vl_isspace(s[lo])) lo++;
    while (hi > lo && vl_isspace(s[hi - 1])) hi--;
    lua_pushlstring(L, s + lo, hi - lo);
    return 1;
}

// string.split(s [, sep]): without sep, the runs of ASCII whitespace
// separate fields and empty fields are dropped (Python's str.split());
// with a non-empty sep, every occurrence separates (empty fields kept).
static int vl_str_split(lua_State *L) {
    size_t ls, lsep = 0;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *sep = luaL_optlstring(L, 2, NULL, &lsep);
    if (sep != NULL && lsep == 0) return luaL_argerror(L, 2, "separator must not be empty");
    lua_newtable(L);
    lua_Integer n = 0;
    if (sep == NULL) {
        size_t i = 0;
        while (i < ls) {
            while (i < ls && vl_isspace(s[i])) i++;
            size_t start = i;
            while (i < ls && !vl_isspace(s[i])) i++;
            if (i > start) {
                lua_pushlstring(L, s + start, i - start);
                lua_rawseti(L, -2, ++n);
            }
        }
        return 1;
    }
    const char *cur = s, *end = s + ls;
    for (;;) {
        const char *hit = memmem(cur, (size_t)(end - cur), sep, lsep);
        if (hit == NULL) break;
        lua_pushlstring(L, cur, (size_t)(hit - cur));
        lua_rawseti(L, -2, ++n);
        cur = hit + lsep;
    }
    lua_pushlstring(L, cur, (size_t)(end - cur));
    lua_rawseti(L, -2, ++n);
    return 1;
}

// MARK: Opening the sandbox

struct vl_open_args {
    const char *allowlist;
    lua_Integer seed;
};

static const luaL_Reg vl_base_replacements[] = {
    {"print", vl_print}, {"warn", vl_warn}, {"setmetatable", vl_setmetatable}, {"rawset", vl_rawset},
    {"xpcall", vl_xpcall}, {NULL, NULL},
};

static const luaL_Reg vl_string_replacements[] = {
    {"find", vl_str_find}, {"contains", vl_str_contains}, {"starts_with", vl_str_starts_with},
    {"ends_with", vl_str_ends_with}, {"trim", vl_str_trim}, {"split", vl_str_split}, {NULL, NULL},
};

static int vl_open_sandbox_p(lua_State *L) {
    struct vl_open_args *a = (struct vl_open_args *)lua_touserdata(L, 1);
    // staging: lib name -> the full standard library table
    lua_newtable(L);
    int staging = lua_gettop(L);
    static const luaL_Reg libs[] = {
        {"_G", luaopen_base}, {"string", luaopen_string}, {"table", luaopen_table}, {"math", luaopen_math},
        {"utf8", luaopen_utf8}, {"coroutine", luaopen_coroutine}, {NULL, NULL},
    };
    for (const luaL_Reg *lib = libs; lib->name; lib++) {
        luaL_requiref(L, lib->name, lib->func, 0);
        lua_setfield(L, staging, lib->name);
    }
    // Deterministic math.random: seed once, then randomseed is left out of the allowlist.
    lua_getfield(L, staging, "math");
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, a->seed);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
    lua_getfield(L, staging, "_G");
    luaL_setfuncs(L, vl_base_replacements, 0);
    lua_pop(L, 1);
    lua_getfield(L, staging, "string");
    luaL_setfuncs(L, vl_string_replacements, 0);
    lua_pop(L, 1);
    lua_getfield(L, staging, "table");
    static const char *const guarded[] = {"insert", "remove", NULL};
    for (const char *const *g = guarded; *g; g++) {
        lua_getfield(L, -1, *g);
        lua_pushcclosure(L, vl_table_lengthguard, 1);
        lua_setfield(L, -2, *g);
    }
    lua_pop(L, 1);

    // base_real receives the allowed base functions and one new table per library.
    lua_newtable(L);
    int base = lua_gettop(L);
    const char *p = a->allowlist;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        const char *dot = memchr(p, '.', len);
        if (dot != NULL) {
            lua_pushlstring(L, p, (size_t)(dot - p));
            int lib = lua_gettop(L);
            lua_pushlstring(L, dot + 1, len - (size_t)(dot - p) - 1);
            int name = lua_gettop(L);
            lua_pushvalue(L, lib);
            lua_rawget(L, staging);
            if (lua_type(L, -1) == LUA_TTABLE) {
                lua_pushvalue(L, name);
                lua_rawget(L, -2);
                if (!lua_isnil(L, -1)) {
                    if (strncmp(p, "_G.", 3) == 0) {
                        lua_pushvalue(L, name);
                        lua_insert(L, -2);
                        lua_rawset(L, base);
                    } else {
                        lua_pushvalue(L, lib);
                        if (lua_rawget(L, base) != LUA_TTABLE) {
                            lua_pop(L, 1);
                            lua_newtable(L);
                            lua_pushvalue(L, lib);
                            lua_pushvalue(L, -2);
                            lua_rawset(L, base);
                        }
                        lua_pushvalue(L, name);
                        lua_pushvalue(L, -3);
                        lua_rawset(L, -3);
                        lua_pop(L, 2);
                    }
                } else {
                    lua_pop(L, 1);
                }
            }
            lua_settop(L, base);
        }
        p += len;
        if (*p == '\n') p++;
    }
    // Strings index the filtered string table; __metatable hides it
    // (getmetatable("").__index would otherwise hand it out).
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushliteral(L, "string");
        lua_rawget(L, base);
        lua_setfield(L, -2, "__index");
        lua_pushliteral(L, "string");
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    // Freeze every library table in place.
    lua_pushnil(L);
    while (lua_next(L, base)) {
        if (lua_type(L, -1) == LUA_TTABLE) {
            const char *libname = lua_tostring(L, -2);
            vl_freeze(L, libname);
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, base);
        } else {
            lua_pop(L, 1);
        }
    }
    lua_pushvalue(L, base);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &vl_base_real_key);
    lua_pushvalue(L, base);
    vl_freeze(L, "_ENV");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &vl_base_key);
    // The real globals (with load, require, ...) become unreachable: the
    // registry's global table is the frozen base from now on.
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    return 0;
}

int vl_open_sandbox(lua_State *L, const char *allowlist, lua_Integer seed) {
    struct vl_open_args a = {allowlist, seed};
    return vl_pcall_c(L, vl_open_sandbox_p, &a, 0, 0);
}

void vl_push_base(lua_State *L) { lua_rawgetp(L, LUA_REGISTRYINDEX, &vl_base_key); }
void vl_push_base_table(lua_State *L) { lua_rawgetp(L, LUA_REGISTRYINDEX, &vl_base_real_key); }

// MARK: Chunks

struct vl_load_args {
    const char *source;
    size_t len;
    const char *chunkname;
};

static int vl_load_chunk_p(lua_State *L) {
    struct vl_load_args *a = (struct vl_load_args *)lua_touserdata(L, 1);
    // Mode "t": a binary chunk (bytecode can crash the VM) is refused.
    if (luaL_loadbufferx(L, a->source, a->len, a->chunkname, "t") != LUA_OK) return lua_error(L);
    lua_newtable(L);
    lua_createtable(L, 0, 2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &vl_base_real_key);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    if (lua_setupvalue(L, -2, 1) == NULL) lua_pop(L, 1);
    return 1;
}

int vl_load_chunk(lua_State *L, const char *source, size_t len, const char *chunkname) {
    struct vl_load_args a = {source, len, chunkname};
    return vl_pcall_c(L, vl_load_chunk_p, &a, 0, 1);
}

static int vl_sealed_newindex(lua_State *L) {
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?";
    return luaL_error(L, "assignment to global '%s' after the script was loaded "
                         "(use a local variable, or a metric state for data kept between calls)", key);
}

static int vl_seal_environment_p(lua_State *L) {
    if (lua_getupvalue(L, 2, 1) == NULL) return 0;
    if (lua_getmetatable(L, -1)) {
        lua_pushcfunction(L, vl_sealed_newindex);
        lua_setfield(L, -2, "__newindex");
        lua_pushboolean(L, 1);
        lua_rawsetp(L, -2, &vl_frozen_key);
    }
    return 0;
}

int vl_seal_environment(lua_State *L, int fn_index) {
    int fn = lua_absindex(L, fn_index);
    vl_context *c = vl_context_of(L);
    c->host_depth++;
    int room = lua_checkstack(L, 1);
    c->host_depth--;
    if (!room) return LUA_ERRMEM;
    lua_pushvalue(L, fn);
    return vl_pcall_c(L, vl_seal_environment_p, NULL, 1, 0);
}

// MARK: Tensors

static void vl_release_slot(lua_State *L, vl_tensor *u) {
    if (u == NULL || u->box == NULL) return;
    vl_context *c = vl_context_of(L);
    void *box = u->box;
    u->box = NULL;
    c->tensor_bytes -= u->counted_bytes;
    u->counted_bytes = 0;
    c->release_tensor(box);
}

static int vl_tensor_gc(lua_State *L) {
    if (lua_type(L, 1) == LUA_TUSERDATA) vl_release_slot(L, (vl_tensor *)lua_touserdata(L, 1));
    return 0;
}

void vl_set_tensor_metatable(lua_State *L) {
    int methods = lua_gettop(L);
    int metamethods = methods - 1;
    lua_createtable(L, 0, 24);
    int mt = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, metamethods)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, mt);
    }
    lua_pushvalue(L, methods);
    lua_setfield(L, mt, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, mt, "__metatable");
    lua_pushliteral(L, "tensor");
    lua_setfield(L, mt, "__name");
    lua_pushcfunction(L, vl_tensor_gc);
    lua_setfield(L, mt, "__gc");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &vl_tensor_mt_key);
    lua_pop(L, 2);
}

void vl_push_tensor(lua_State *L, void *box, int64_t counted_bytes) {
    vl_tensor *u = (vl_tensor *)lua_newuserdatauv(L, sizeof(vl_tensor), 0);
    u->box = box;
    u->counted_bytes = counted_bytes;
    vl_context_of(L)->tensor_bytes += counted_bytes;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &vl_tensor_mt_key);
    lua_setmetatable(L, -2);
}

// The tensor slot at `idx`, or NULL when the value is not a tensor userdata.
static vl_tensor *vl_tensor_slot(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TUSERDATA) return NULL;
    if (!lua_checkstack(L, 2)) return NULL;
    if (!lua_getmetatable(L, idx)) return NULL;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &vl_tensor_mt_key);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same ? (vl_tensor *)lua_touserdata(L, idx) : NULL;
}

void *vl_to_tensor(lua_State *L, int idx) {
    vl_tensor *u = vl_tensor_slot(L, idx);
    return u ? u->box : NULL;
}

int vl_is_released_tensor(lua_State *L, int idx) {
    vl_tensor *u = vl_tensor_slot(L, idx);
    return u != NULL && u->box == NULL;
}

void vl_release_tensor(lua_State *L, int idx) { vl_release_slot(L, vl_tensor_slot(L, idx)); }

// MARK: Registry slots, GC

void vl_set_slot(lua_State *L, int slot) { lua_rawsetp(L, LUA_REGISTRYINDEX, &vl_slots[slot]); }
void vl_get_slot(lua_State *L, int slot) { lua_rawgetp(L, LUA_REGISTRYINDEX, &vl_slots[slot]); }

void vl_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT); }
