// The umbrella module: `import Vernier` brings the tensor type, the metric
// core and the built-in metrics.
@_exported import VernierCore
@_exported import VernierMetrics
@_exported import VernierTensor
