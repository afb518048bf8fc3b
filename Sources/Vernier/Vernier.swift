// The umbrella module: `import Vernier` brings the tensor type, the metric
// core, the built-in metrics and the Lua runtime.
@_exported import VernierCore
@_exported import VernierLua
@_exported import VernierMetrics
@_exported import VernierTensor
