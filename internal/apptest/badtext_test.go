package apptest_test

import (
	"strings"
	"testing"

	"zorginkoop/internal/api"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/web"
)

// Bad text in ids, query parameters and forms gets the same clear refusal on both engines:
// PostgreSQL refuses a NUL byte or invalid UTF-8 with an engine error that used to surface
// as a 500, while SQLite stored or matched it. Every route, as the operator (who may reach
// every store), with a NUL byte and with invalid UTF-8 in each path parameter, in a query
// parameter and in a form field: no answer may be a server error, and those that carry the
// bad text in the query must be refused as invalid.
func TestBadTextInEveryRouteIsRefusedOnBothEngines(t *testing.T) {
	apiRoutes := api.Routes()
	pageRoutes, err := web.Routes()
	if err != nil {
		t.Fatal(err)
	}
	routes := append(apiRoutes, pageRoutes...)
	bad := map[string]string{"NUL": "x%00y", "invalid UTF-8": "x%FFy"}
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			m := newMatrix(t, engine)
			op := actor(t, m, "operator")
			for _, route := range routes {
				method, pattern, ok := strings.Cut(route, " ")
				if !ok {
					method, pattern = "GET", route
				}
				for name, value := range bad {
					path := pathWith(pattern, value)
					for _, r := range []request{
						{method: method, path: path},
						{method: method, path: pathWith(pattern, "p") + "?q=" + value + "&uitkomst=" + value},
					} {
						if method == "POST" {
							r.body = "naam=" + value + "&email=" + value + "&reden=" + value
							r.contentType = "application/x-www-form-urlencoded"
						}
						ans := send(t, m.prepare(t, op, r))
						if ans.status >= 500 {
							t.Errorf("%s %s (%s): status %d, want a refusal, not a server error: %.200s", method, r.path, name, ans.status, ans.body)
						}
						if strings.Contains(r.path, "?q=") && ans.status != 400 && ans.status != 422 && ans.status != 401 && ans.status != 303 {
							t.Errorf("%s %s (%s): status %d, want 400 or 422 for bad text in the query", method, r.path, name, ans.status)
						}
					}
				}
			}
		})
	}
}

// pathWith fills every {parameter} of a route pattern with value (already escaped).
func pathWith(pattern, value string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			b.WriteString(pattern)
			return strings.TrimSuffix(b.String(), "{$}")
		}
		j := strings.IndexByte(pattern[i:], '}')
		b.WriteString(pattern[:i])
		b.WriteString(value)
		pattern = pattern[i+j+1:]
	}
}

func actor(t *testing.T, m *matrix, key string) *apptest.Actor {
	t.Helper()
	for _, a := range m.ts.Actors {
		if a.Key == key {
			return a
		}
	}
	t.Fatalf("no actor %s", key)
	return nil
}
