package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"zorginkoop/internal/audit"
)

// The areas register their audit actions from their own packages; the pages that render
// the trail (/logboek and its CSV) import every area, so every action the code records
// must have its Dutch texts here. The actions are found in the source: each area's Action*
// constants, and any action written as a literal (Action: "x", or s.record(ctx, actor, "x",
// ...)).
func TestEveryRecordedActionHasADutchText(t *testing.T) {
	actions := recordedActions(t, filepath.Join("..", ".."))
	if len(actions) < 10 {
		t.Fatalf("found %d actions in the source, want the areas' actions: %v", len(actions), actions)
	}
	for name, where := range actions {
		if !audit.Registered(name) {
			t.Errorf("action %q (%s) has no Dutch text: register it in its area's actions.go", name, where)
		}
	}
}

// recordedActions maps each action name found in the Go files under root, tests and test
// helpers left out, to where it was found.
func recordedActions(t *testing.T, root string) map[string]string {
	return sourceLiterals(t, root, func(string) bool { return false }, func(n ast.Node, add func(ast.Expr)) {
		switch n := n.(type) {
		case *ast.ValueSpec: // const ActionPublish = "policy.publish"
			for i, id := range n.Names {
				if strings.HasPrefix(id.Name, "Action") && i < len(n.Values) {
					add(n.Values[i])
				}
			}
		case *ast.KeyValueExpr: // audit.Entry{Action: "policy.publish"}
			if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Action" {
				add(n.Value)
			}
		case *ast.CallExpr: // s.record(ctx, actor, "policy.publish", ...)
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "record" || sel.Sel.Name == "denied") && len(n.Args) > 2 {
				add(n.Args[2])
			}
		}
	})
}

// sourceLiterals maps the non-empty string literals that pick adds, in the Go files under
// root (tests, test helpers and the files skip names left out), to where they were found.
func sourceLiterals(t *testing.T, root string, skip func(path string) bool, pick func(n ast.Node, add func(ast.Expr))) map[string]string {
	t.Helper()
	found := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasSuffix(d.Name(), "test") || d.Name() == "testdata") {
			return filepath.SkipDir // test helpers (storetest, apptest, ...) record made-up entries
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || skip(path) {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		add := func(e ast.Expr) {
			if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && s != "" {
					found[s] = fset.Position(lit.Pos()).String()
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			pick(n, add)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
