/// A small inline SVG bar chart of per-minute counts: stacked series, one bar per minute,
/// oldest on the left. Plain SVG with inline attributes: no scripts, fonts or links.
struct RateChart {
    struct Series {
        let name: String
        let color: String
        let values: [Int]
    }

    let title: String
    let series: [Series]
    var width = 420
    var height = 130

    func svg() -> String {
        let minutes = series.map(\.values.count).max() ?? 0
        let totals = (0..<minutes).map { i in series.reduce(0) { $0 + ($1.values.indices.contains(i) ? $1.values[i] : 0) } }
        let peak = max(totals.max() ?? 0, 1)
        let left = 34.0, right = 6.0, top = 8.0, bottom = 20.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let slot = minutes == 0 ? plotWidth : plotWidth / Double(minutes)
        let label = HTMLText.escape(title)
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(label)\">"
        out += "<title>\(label)</title>"
        out += line(x1: left, y1: top, x2: Double(width) - right, y2: top, dashed: true)
        out += line(x1: left, y1: top + plotHeight, x2: Double(width) - right, y2: top + plotHeight, dashed: false)
        out += text(x: left - 4, y: top + 4, anchor: "end", "\(peak)")
        out += text(x: left - 4, y: top + plotHeight + 4, anchor: "end", "0")
        out += text(x: left, y: Double(height) - 4, anchor: "start", minutes == 60 ? "1 h ago" : "\(minutes) min ago")
        if series.count > 1 {
            // A legend, centred under the plot between the two time labels.
            let widths = series.map { Double($0.name.count) * 5.6 + 22 }
            var x = left + (plotWidth - widths.reduce(0, +)) / 2
            for (s, w) in zip(series, widths) {
                out += "<rect x=\"\(fmt(x))\" y=\"\(fmt(Double(height) - 12))\" width=\"8\" height=\"8\" fill=\"\(s.color)\"/>"
                out += text(x: x + 11, y: Double(height) - 4, anchor: "start", s.name)
                x += w
            }
        }
        for i in 0..<minutes {
            var base = top + plotHeight
            let ago = minutes - 1 - i
            for s in series {
                let v = s.values.indices.contains(i) ? s.values[i] : 0
                guard v > 0 else { continue }
                let h = max(1, plotHeight * Double(v) / Double(peak))
                base -= h
                out += "<rect x=\"\(fmt(left + Double(i) * slot + 0.5))\" y=\"\(fmt(base))\" width=\"\(fmt(max(1, slot - 1)))\" height=\"\(fmt(h))\" fill=\"\(s.color)\">"
                out += "<title>\(HTMLText.escape(s.name)): \(v) (\(ago == 0 ? "this minute" : "\(ago) min ago"))</title></rect>"
            }
        }
        return out + "</svg>"
    }

    private func line(x1: Double, y1: Double, x2: Double, y2: Double, dashed: Bool) -> String {
        "<line x1=\"\(fmt(x1))\" y1=\"\(fmt(y1))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(y2))\" stroke=\"#c9d1d9\"\(dashed ? " stroke-dasharray=\"3 3\"" : "")/>"
    }

    private func text(x: Double, y: Double, anchor: String, _ content: String) -> String {
        "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" text-anchor=\"\(anchor)\" font-size=\"10\" fill=\"#68737d\">\(HTMLText.escape(content))</text>"
    }

    private func fmt(_ v: Double) -> String { String((v * 10).rounded() / 10) }
}
