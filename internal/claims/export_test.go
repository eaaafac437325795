package claims

// The test-file builder of zh308_test.go, for the service's tests (package claims_test).
type (
	ZHHeader = zhHeader
	ZHClaim  = zhClaim
)

var BuildZH308 = buildZH308
