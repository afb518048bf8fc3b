// Debian's Lua 5.4 (liblua5.4-dev) as one module: the core API, the
// standard libraries and the auxiliary library. Include paths come from
// `pkg-config lua5.4`.
#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>
