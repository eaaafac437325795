package policy

import (
	"strings"

	"cel.dev/cel-go/common/types"

	"zorginkoop/internal/nl"
)

// symbols shows CEL operators as a reader writes them; negated gives the opposite relation,
// used when a comparison does not hold ("€ 80.000,00 < € 100.000,00").
var (
	symbols = map[string]string{">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠", "in": "bevat"}
	negated = map[string]string{">=": "<", "<=": ">", ">": "≤", "<": "≥", "==": "≠", "!=": "=", "in": "bevat niet"}
)

func opSymbol(op string) string { return symbols[op] }

// Explain says in Dutch why the rule came out as it did for the facts in a, naming the
// facts and thresholds that decided it. insurer is the name put in per-insurer labels.
func (r *Rule) Explain(env *RuleEnv, a *Activation, insurer string) (Result, string) {
	res, parts := r.Tree.explain(env, a, insurer)
	text := nl.Join(parts)
	if text != "" {
		text = strings.ToUpper(text[:1]) + text[1:]
	}
	return res, text
}

// explain evaluates the node and returns the phrases that decided its outcome.
func (n *Node) explain(env *RuleEnv, a *Activation, insurer string) (Result, []string) {
	switch n.Op {
	case "leaf":
		res := n.Leaf.Eval(a)
		return res, []string{n.Leaf.phrase(env, a, insurer, res)}
	case "not":
		res, parts := n.Kids[0].explain(env, a, insurer)
		switch res {
		case True:
			res = False
		case False:
			res = True
		}
		return res, parts
	}
	// and / or: the deciding value is false for "and", true for "or".
	decisive := False
	if n.Op == "or" {
		decisive = True
	}
	results := make([]Result, len(n.Kids))
	phrases := make([][]string, len(n.Kids))
	for i, k := range n.Kids {
		results[i], phrases[i] = k.explain(env, a, insurer)
	}
	pick := func(want Result) []string {
		var out []string
		for i, r := range results {
			if r == want {
				out = append(out, phrases[i]...)
			}
		}
		return out
	}
	if d := pick(decisive); len(d) > 0 {
		return decisive, d
	}
	if u := append(pick(Unknown), pick(Failed)...); len(u) > 0 {
		// Undecided: show what is missing, and what is known not to decide it.
		return Unknown, append(u, pick(1-decisive)...)
	}
	var all []string
	for _, p := range phrases {
		all = append(all, p...)
	}
	return 1 - decisive, all
}

// phrase renders one leaf for its result.
func (l *Leaf) phrase(env *RuleEnv, a *Activation, insurer string, res Result) string {
	if l.Fact == "" {
		return l.generic(env, a, insurer, res)
	}
	def, _ := env.Facts.Lookup(l.Fact)
	label := lowerFirst(def.LabelFor(insurer))
	val := a.Get(l.Fact)
	if val == nil {
		return label + " onbekend"
	}
	value := FormatValue(def.Type, val)
	switch {
	case l.Op == "": // a boolean fact
		return label + ": " + value
	case l.Op == "in":
		op := symbols["in"]
		if res == False {
			op = negated["in"]
		}
		return label + " " + op + " " + FormatValue(def.Type, l.Const)
	}
	op := symbols[l.Op]
	if res == False {
		op = negated[l.Op]
	}
	var threshold string
	if l.ConstIs == VarReferenceDate {
		threshold = "peildatum " + FormatValue(def.Type, a.Get(VarReferenceDate))
	} else {
		threshold = FormatValue(def.Type, l.Const)
	}
	return label + " " + value + " " + op + " " + threshold
}

// generic explains a part that is not a simple comparison: the expression and its facts.
func (l *Leaf) generic(env *RuleEnv, a *Activation, insurer string, res Result) string {
	if strings.TrimPrefix(l.Expr, "!") == VarRunningContract {
		if v, ok := a.Get(VarRunningContract).(types.Bool); ok && bool(v) {
			return "lopend contract met " + insurer + " in dit contractjaar"
		}
		return "geen lopend contract met " + insurer + " in dit contractjaar"
	}
	var facts []string
	for _, key := range l.Facts {
		def, _ := env.Facts.Lookup(key)
		facts = append(facts, lowerFirst(def.LabelFor(insurer))+" "+FormatValue(def.Type, a.Get(key)))
	}
	verdict := map[Result]string{True: "voldaan", False: "niet voldaan", Unknown: "onbekend", Failed: "niet te evalueren"}[res]
	s := "voorwaarde `" + l.Expr + "` " + verdict
	if len(facts) > 0 {
		s += " (" + nl.Join(facts) + ")"
	}
	return s
}

func lowerFirst(s string) string {
	if len(s) < 2 {
		return s
	}
	// Keep abbreviations such as "ZKN-keurmerk" or "NEN 8009" as written.
	if s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
