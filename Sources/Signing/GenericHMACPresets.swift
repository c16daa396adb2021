extension GenericHMAC {
    // GitHub and Shopify sign the bare body and differ from a generic scheme only in
    // header names and encoding, so they share its verifier and signer.

    static let gitHub = GenericHMAC(
        header: "x-hub-signature-256", encoding: .hex, prefix: "sha256=",
        idHeader: "x-github-delivery")

    static let shopify = GenericHMAC(
        header: "x-shopify-hmac-sha256", encoding: .base64,
        idHeader: "x-shopify-webhook-id")
}
