package web

import (
	"go/ast"
	"path/filepath"
	"strings"
	"testing"
)

// The reasons the areas record are English in the stored entries; the Logboek translates
// them (auditReasons). Every reason written as a literal where an entry is recorded must
// have its translation: s.record(..., reason, denied), s.denied(..., reason),
// refuseLogin(..., reason), audit.Entry{Reason: "..."}, and constants named reason*.
func TestEveryRecordedReasonHasADutchText(t *testing.T) {
	reasons := recordedReasons(t, filepath.Join("..", ".."))
	if len(reasons) < 8 {
		t.Fatalf("found %d reasons in the source, want the areas' reasons: %v", len(reasons), reasons)
	}
	for reason, where := range reasons {
		if auditReason(reason) == reason {
			t.Errorf("reason %q (%s) has no Dutch text: add it to auditReasons in audit_text.go", reason, where)
		}
	}
}

func TestReasonsAreTranslatedWithTheirDetails(t *testing.T) {
	for in, want := range map[string]string{
		"wrong password (3 in a row from 127.0.0.2)":               "verkeerd wachtwoord (3e poging op rij vanaf 127.0.0.2)",
		"unknown e-mail address (1 in a row from local)":           "onbekend e-mailadres (1e poging op rij vanaf local)",
		"may not write 2 provider record(s): kvk-1, kvk-2":         "mag 2 zorgaanbieder(s) niet wijzigen: kvk-1, kvk-2",
		"provider refused: access_denied":                          "de identiteitsprovider weigerde het inloggen (access_denied)",
		"uit dienst getreden":                                      "uit dienst getreden",
		"would leave the organisation without an active beheerder": "de organisatie zou geen actieve beheerder meer hebben",
	} {
		if got := auditReason(in); got != want {
			t.Errorf("auditReason(%q) = %q, want %q", in, got, want)
		}
	}
}

func recordedReasons(t *testing.T, root string) map[string]string {
	notWeb := func(path string) bool { return strings.Contains(path, "internal/web/") }
	return sourceLiterals(t, root, notWeb, func(n ast.Node, add func(ast.Expr)) {
		switch n := n.(type) {
		case *ast.ValueSpec: // const reasonSelfDisable = "..."
			for i, id := range n.Names {
				if strings.HasPrefix(id.Name, "reason") && i < len(n.Values) {
					add(n.Values[i])
				}
			}
		case *ast.CompositeLit: // audit.Entry{Reason: "..."}; not another type's Reason (a claims.Decision's is the adviser's own words)
			if !isAuditEntry(n.Type) {
				return
			}
			for _, el := range n.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Reason" {
						add(kv.Value)
					}
				}
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return
			}
			switch {
			case sel.Sel.Name == "record" && len(n.Args) == 9: // s.record(ctx, actor, action, subject, scope, before, after, reason, denied)
				add(n.Args[7])
			case sel.Sel.Name == "denied" && len(n.Args) == 6: // s.denied(ctx, actor, action, subject, scope, reason)
				add(n.Args[5])
			case sel.Sel.Name == "refuseLogin" && len(n.Args) == 4:
				add(n.Args[3])
			}
		}
	})
}

// isAuditEntry reports whether a composite literal's type is audit.Entry (Entry inside
// package audit).
func isAuditEntry(typ ast.Expr) bool {
	switch t := typ.(type) {
	case *ast.SelectorExpr:
		return t.Sel.Name == "Entry"
	case *ast.Ident:
		return t.Name == "Entry"
	}
	return false
}
