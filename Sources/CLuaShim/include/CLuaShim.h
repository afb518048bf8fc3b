// The C side of Vernier's Lua sandbox.
//
// Why this target exists: Lua raises errors with longjmp. A longjmp through
// Swift frames skips `defer`, `deinit` and ARC releases, so this is the only
// code that raises Lua errors. Swift host functions return a status and the
// trampoline here raises after the Swift frame has returned. The allocator,
// the limit hook and the message handler live here too, because they run
// inside Lua's error machinery.
//
// Everything Swift may call from outside a protected call is either
// non-raising or documented as "raises only on real memory exhaustion"
// (the heap cap is lifted while host code runs).
#ifndef VERNIER_CLUASHIM_H
#define VERNIER_CLUASHIM_H

#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>
#include <stddef.h>
#include <stdint.h>

/// A Swift host function: runs with `box` (the Swift object registered with
/// the closure). Returns the number of results it pushed (>= 0), or -1 with
/// an error message string pushed; the trampoline then raises that message,
/// prefixed with the caller's `file:line:`, once the Swift frame is gone.
typedef int (*vl_host_entry)(lua_State *L, void *box);
/// Releases the Swift tensor box held by a tensor userdata (its `__gc`).
typedef void (*vl_release_fn)(void *box);
/// Receives `print`/`warn` output (level 0 print, 1 warn).
typedef void (*vl_log_fn)(void *ud, int level, const char *msg, size_t len);

/// Why the limit hook stopped a call.
enum {
    VL_TRIP_NONE = 0,
    VL_TRIP_INSTRUCTIONS = 1,
    VL_TRIP_DEADLINE = 2,
    /// Lua code ran outside an armed call (a host bug, refused).
    VL_TRIP_UNARMED = 3,
};

/// Instructions between two runs of the limit hook (cost measured as nil;
/// a step of 1 costs about 3x).
#define VL_HOOK_STEP 1000

/// Per-state bookkeeping, shared by the allocator, the hook and Swift. It is
/// the allocator's user data, so `vl_context_of` finds it from any thread of
/// the state.
typedef struct vl_context {
    /// Bytes currently allocated by Lua for this state.
    size_t heap_used;
    /// Refuse growth past this many bytes (0: no cap).
    size_t heap_limit;
    /// > 0 while host code runs: the cap is lifted so host code fails only on
    /// real exhaustion.
    int host_depth;
    /// Instruction budget of the current call (0: the state is not armed and
    /// any Lua instruction trips the hook).
    int64_t instruction_limit;
    int64_t instructions_used;
    /// CLOCK_MONOTONIC deadline of the current call in seconds (0: none).
    double deadline;
    /// One of VL_TRIP_*; once set, every instruction raises until the call ends.
    int tripped;
    /// Bytes of tensors created by the tensor library and still referenced
    /// by a Lua userdata.
    int64_t tensor_bytes;
    vl_host_entry host_entry;
    vl_release_fn release_tensor;
    vl_log_fn log;
    void *log_ud;
} vl_context;

/// The userdata behind a Lua tensor: a retained Swift box and the bytes it
/// counts against the tensor budget. `box` is NULL once collected.
typedef struct vl_tensor {
    void *box;
    int64_t counted_bytes;
} vl_tensor;

/// A fresh state using `ctx` (counting allocator, panic handler, limit hook
/// with an unarmed budget, warnings routed to `ctx->log`). NULL when out of memory.
lua_State *vl_newstate(vl_context *ctx);
/// The context of a state created by `vl_newstate`.
vl_context *vl_context_of(lua_State *L);

/// Builds the sandbox in protected mode: the standard libraries, then a
/// frozen base environment holding only the names in `allowlist` (one
/// `lib.name` per line; `_G.name` for base functions), the host replacements
/// (print, warn, setmetatable, rawset, plain-text string helpers), a
/// protected string metatable, `math.random` seeded with `seed`.
/// Returns a Lua status; on failure the message is on the stack.
int vl_open_sandbox(lua_State *L, const char *allowlist, lua_Integer seed);

/// Loads `len` bytes of source text (never bytecode) named `=chunkname` and
/// gives it a private environment over the frozen base; protected.
/// On success the chunk function is on the stack; otherwise the message.
int vl_load_chunk(lua_State *L, const char *source, size_t len, const char *chunkname);

/// Makes the private environment of the loaded chunk read-only (after the
/// chunk has run, new globals would be hidden state outside the metric's
/// declared states). `fn_index` is the chunk function. Protected; returns a status.
int vl_seal_environment(lua_State *L, int fn_index);

/// Calls the function below `nargs` arguments in protected mode with the
/// traceback message handler, under an instruction budget and a wall-clock
/// budget. Host depth is 0 during the call (the heap cap applies) and is
/// restored after; the hook is re-armed to its normal step. `*tripped`
/// receives VL_TRIP_* for this call. Returns a Lua status.
int vl_call(lua_State *L, int nargs, int nresults, int64_t max_instructions, double max_seconds, int *tripped);

/// Runs `entry(L, box)` as a protected host scope: the stack holds `nargs`
/// arguments above which the results stay. Returns a Lua status.
int vl_protected(lua_State *L, void *box, int nargs, int nresults);

/// Pushes a closure that calls the Swift host entry with `box`.
/// Allocates: call only from host code (a protected scope or a host function).
void vl_push_host_function(lua_State *L, void *box);

/// Wraps the table at the top in a read-only proxy named `name` (writes and
/// rawset raise, `pairs` iterates the hidden table, `#` sees its length).
/// Allocates: call only from host code.
void vl_freeze(lua_State *L, const char *name);

/// The registry key of the frozen base environment (light userdata key).
void vl_push_base(lua_State *L);
/// The hidden table behind the base proxy, where host libraries are added
/// before any script runs.
void vl_push_base_table(lua_State *L);

/// Installs the tensor metatable (methods table at the top is popped and
/// becomes `__index`; metamethods are read from the table below it with
/// names `__add`...). Allocates: call only from host code.
void vl_set_tensor_metatable(lua_State *L);
/// Pushes a tensor userdata holding `box` (already retained) that counts
/// `counted_bytes` against the tensor budget. Allocates: host code only.
void vl_push_tensor(lua_State *L, void *box, int64_t counted_bytes);
/// The Swift box of the tensor at `idx`, or NULL when it is not a tensor
/// (or was collected). Never raises.
void *vl_to_tensor(lua_State *L, int idx);

/// Whether the value at `idx` is a tensor userdata whose Swift box was
/// released (collected, or a host tensor after its call). Never raises.
int vl_is_released_tensor(lua_State *L, int idx);
/// Releases the Swift box of the tensor at `idx` now (as its `__gc` would);
/// later uses see a released tensor. Never raises.
void vl_release_tensor(lua_State *L, int idx);

/// Stores the value at the top under a private registry slot (popped).
/// Slots are numbered by the Swift side (`LuaSlot`), 0 to 7.
void vl_set_slot(lua_State *L, int slot);
/// Pushes the value of a private registry slot (nil when unset). Never raises.
void vl_get_slot(lua_State *L, int slot);

/// Runs a full garbage collection (finalizers included: only the tensor
/// `__gc` exists, which never raises).
void vl_collect(lua_State *L);

// MARK: Function-like macros and constants Swift cannot import.

static inline int vl_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int vl_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void vl_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void vl_newtable(lua_State *L) { lua_newtable(L); }
static inline void vl_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void vl_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline void vl_replace(lua_State *L, int idx) { lua_replace(L, idx); }
static inline int vl_isinteger(lua_State *L, int idx) { return lua_isinteger(L, idx); }
/// The bytes of the string at `idx`, NULL when it is not a string. Never
/// converts numbers (which would allocate and could raise).
static inline const char *vl_tostring(lua_State *L, int idx, size_t *len) {
    if (lua_type(L, idx) != LUA_TSTRING) return NULL;
    return lua_tolstring(L, idx, len);
}

#endif
