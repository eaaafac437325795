package main

import "context"

func (a *app) serve(ctx context.Context, args []string) error     { return usagef("serve: not built yet") }
func (a *app) demo(ctx context.Context, args []string) error      { return usagef("demo: not built yet") }
func (a *app) providers(ctx context.Context, args []string) error { return usagef("providers: not built yet") }
func (a *app) assess(ctx context.Context, args []string) error    { return usagef("assess: not built yet") }
