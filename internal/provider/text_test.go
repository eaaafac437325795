package provider_test

import (
	"context"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/provider"
)

// Every free-text field of a provider, its locations and its facts passes package text, so
// that a NUL byte, broken UTF-8 or a huge value is refused by name on both engines (it gave
// a 500 on PostgreSQL and was stored on SQLite).
func TestBrokenOrHugeTextIsRefusedByFieldOnBothEngines(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p *provider.Provider)
		field string
	}{
		{"a NUL in the name", func(p *provider.Provider) { p.Name = "De Linde\x00" }, "name"},
		{"a name of a million characters", func(p *provider.Provider) { p.Name = strings.Repeat("a", 1_000_000) }, "name"},
		{"broken UTF-8 in the city", func(p *provider.Provider) { p.Locations[0].City = "Eindhoven\xff" }, "locations[0].city"},
		{"a control character in the street", func(p *provider.Provider) { p.Locations[0].Street = "Dorpsstraat\x1b1" }, "locations[0].street"},
		{"a NUL in a location name", func(p *provider.Provider) { p.Locations[0].Name = "\x00" }, "locations[0].name"},
		{"a NUL in a specialism", func(p *provider.Provider) { p.Specialisms = []string{"ortho\x00"} }, "specialisms[0]"},
		{"a NUL in a fact's evidence", func(p *provider.Provider) { p.Facts[0].Evidence = "bewijs\x00.pdf" }, "facts[0].evidence"},
		{"a NUL in a fact's value", func(p *provider.Provider) { p.Facts[0].Value = "ja\x00" }, "facts[0].value"},
		{"a NUL in a fact's key", func(p *provider.Provider) { p.Facts[0].Key = "zkn_lid\x00" }, "facts[0].key"},
		{"a huge fact value", func(p *provider.Provider) { p.Facts[0].Value = strings.Repeat("1", 1_000_000) }, "facts[0].value"},
	}
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			env := apptest.Open(t, engine)
			ctx := context.Background()
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					p := apptest.Providers()[0]
					p.ID, p.Name = "nieuw", "Nieuwe praktijk"
					tc.edit(&p)
					ps := []provider.Provider{p}
					err := env.Providers.Normalize(ps, nil)
					if err == nil {
						err = env.Providers.Import(ctx, identity.System(), ps, nil, nil)
					}
					want := "provider nieuw: " + tc.field
					errs := apperr.Errors(err)
					if apperr.CodeOf(err) != apperr.Invalid || len(errs) != 1 || errs[0].Field != want {
						t.Fatalf("got %v, want one Invalid error for %s", err, want)
					}
					if len(errs[0].Error()) > 1000 || errs[0].Dutch == "" {
						t.Errorf("the error repeats the value or has no Dutch text: %.200q", errs[0].Error())
					}
					// The service's own check before a store write, for input already canonical.
					if err := env.Providers.Import(ctx, identity.System(), []provider.Provider{p}, nil, nil); apperr.CodeOf(err) != apperr.Invalid {
						t.Errorf("Import without Normalize: %v, want Invalid", err)
					}
					if _, err := env.DB.Provider(ctx, "nieuw"); apperr.CodeOf(err) != apperr.NotFound {
						t.Errorf("the provider was stored: %v", err)
					}
				})
			}
		})
	}
}
