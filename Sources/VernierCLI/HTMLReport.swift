import Foundation
import Vernier

/// A self-contained HTML report of `eval` results: a table of values, an SVG
/// plot for each curve (ROC: fpr against tpr; precision-recall: recall
/// against precision; per-class curves overlaid) and a shaded table for each
/// matrix (confusion matrices).
enum HTMLReport {
    static func render(_ results: [(String, MetricValue)], samples: Int) -> String {
        var body = "<h1>Vernier evaluation</h1><p>\(samples) samples</p><table><tr><th>metric</th><th>value</th></tr>"
        for (spec, v) in results { body += "<tr><td><code>\(escape(spec))</code></td><td>\(escape(v.summary))</td></tr>" }
        body += "</table>"
        for (spec, v) in results {
            if let plot = curvePlot(spec, v) { body += "<h2><code>\(escape(spec))</code></h2>" + plot }
            else if case .tensor(let t) = v, t.rank == 2 { body += "<h2><code>\(escape(spec))</code></h2>" + matrix(t) }
        }
        return """
        <!doctype html><html><head><meta charset="utf-8"><title>Vernier report</title>
        <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}</style>
        </head><body>\(body)</body></html>
        """
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// The (x, y) series of a curve value: `[a, b, thresholds]` or a list of those.
    static func series(_ spec: String, _ v: MetricValue) -> [[(Double, Double)]]? {
        let isPR = spec.contains("precision_recall_curve")
        func one(_ v: MetricValue) -> [(Double, Double)]? {
            guard case .list(let parts) = v, parts.count == 3, let a = parts[0].tensor, let b = parts[1].tensor,
                  a.rank == 1, a.count == b.count else { return nil }
            let x = isPR ? b.toDoubles() : a.toDoubles(), y = isPR ? a.toDoubles() : b.toDoubles()
            return Array(zip(x, y))
        }
        if let s = one(v) { return [s] }
        if case .list(let items) = v {
            let all = items.compactMap(one)
            return all.count == items.count && !all.isEmpty ? all : nil
        }
        return nil
    }

    static func curvePlot(_ spec: String, _ v: MetricValue) -> String? {
        guard let curves = series(spec, v) else { return nil }
        let size = 320.0, pad = 30.0
        let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
        var svg = "<svg width=\"\(Int(size + 2 * pad))\" height=\"\(Int(size + 2 * pad))\"><rect x=\"\(pad)\" y=\"\(pad)\" width=\"\(size)\" height=\"\(size)\" fill=\"none\" stroke=\"#999\"/>"
        for (i, c) in curves.enumerated() {
            let pts = c.filter { $0.0.isFinite && $0.1.isFinite }
                .map { String(format: "%.1f,%.1f", pad + $0.0 * size, pad + (1 - $0.1) * size) }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(colors[i % colors.count])\" stroke-width=\"1.5\" points=\"\(pts)\"/>"
        }
        let (xl, yl) = spec.contains("precision_recall_curve") ? ("recall", "precision") : ("false positive rate", "true positive rate")
        svg += "<text x=\"\(pad)\" y=\"\(2 * pad + size - 5)\" font-size=\"12\">\(xl)</text><text x=\"2\" y=\"\(pad - 8)\" font-size=\"12\">\(yl)</text></svg>"
        return svg
    }

    static func matrix(_ t: Tensor) -> String {
        let values = t.toDoubles()
        let top = max(values.filter(\.isFinite).max() ?? 1, 1e-12)
        var html = "<table>"
        for r in 0..<t.shape[0] {
            html += "<tr>"
            for c in 0..<t.shape[1] {
                let v = values[r * t.shape[1] + c]
                let shade = Int(255 - 155 * (v.isFinite ? v / top : 0))
                html += "<td style=\"background:rgb(\(shade),\(shade),255)\">\(MetricValue.scalar(v, dtype: t.dtype).summary)</td>"
            }
            html += "</tr>"
        }
        return html + "</table>"
    }
}
