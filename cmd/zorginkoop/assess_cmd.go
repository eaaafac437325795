package main

import "context"

func (a *app) assess(ctx context.Context, args []string) error { return usagef("assess: not built yet") }
