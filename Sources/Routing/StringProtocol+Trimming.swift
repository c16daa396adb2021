extension StringProtocol where SubSequence == Substring {
    /// Trims spaces, tabs and newlines without Foundation's CharacterSet bridging.
    func trimmingWhitespace() -> Substring {
        guard let start = firstIndex(where: { !$0.isWhitespace }), let end = lastIndex(where: { !$0.isWhitespace }) else {
            return self[endIndex...]
        }
        return self[start...end]
    }
}
