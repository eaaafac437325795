package main

import (
	"fmt"
	wiring "zorginkoop/internal/app"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/store"
)

// services wires every service over db and lib through app.New, the one wiring place,
// with the command line's clock and settings. serve adds its own (mail, base URL, policy
// sync) in appHandler.
func (a *app) services(db store.DB, lib *policy.Library) *wiring.Services {
	return wiring.New(db, lib, a.servicesConfig())
}

// servicesConfig is the configuration of the services that every command shares.
func (a *app) servicesConfig() wiring.Config {
	cache := int64(a.cfg.FactCacheMB) << 20
	if cache == 0 {
		cache = -1 // off
	}
	return wiring.Config{Now: a.now, KeepRuns: a.cfg.KeepRuns, FactCacheBytes: cache, Log: a.log}
}

// baseServices are the services for the commands that need no policies (users, audit):
// wired over the registry and the fact catalogue alone.
func (a *app) baseServices(db store.DB) (*wiring.Services, error) {
	lib, err := policy.LoadBase(a.policyFS())
	if err != nil {
		return nil, fmt.Errorf("load registry and facts: %w", err)
	}
	return a.services(db, lib), nil
}
