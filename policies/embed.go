// Package policies ships the policy files: the registry, the fact vocabulary and one file
// per purchasing policy (the seed policies and their earlier versions).
package policies

import "embed"

// FS holds registry.yaml, facts/*.yaml and the policy files.
//
//go:embed *.yaml facts/*.yaml
var FS embed.FS
