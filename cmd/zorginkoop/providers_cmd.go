package main

import "context"

func (a *app) providers(ctx context.Context, args []string) error { return usagef("providers: not built yet") }
