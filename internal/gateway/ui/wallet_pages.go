package ui

// The wallet's and a provider's pages join the others' templates, with
// the helper that links a provider's page.
func init() {
	pageNames = append(pageNames, "wallet", "provider")
	funcs["providerURL"] = providerURL
}
