package main

import "context"

func (a *app) demo(ctx context.Context, args []string) error { return usagef("demo: not built yet") }
