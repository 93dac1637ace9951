/// A table of strings, printed with aligned columns or as Markdown.
struct TextTable: Sendable {
    let header: [String]
    var rows: [[String]] = []

    init(header: [String]) { self.header = header }

    mutating func add(_ row: [String]) {
        rows.append(row + Array(repeating: "", count: max(0, header.count - row.count)))
    }

    /// Columns padded to their widest cell: the first left-aligned, the others right-aligned.
    var aligned: String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }

    /// A GitHub-flavoured Markdown table, numbers right-aligned.
    var markdown: String {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
        let rule = "|" + header.indices.map { $0 == 0 ? "---|" : "---:|" }.joined()
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}
