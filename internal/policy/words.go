package policy

import (
	"strings"

	"zorginkoop/internal/nl"
	"zorginkoop/internal/provider"
)

// A rule in words: what a reader of the policy sees instead of the CEL, which stays
// available behind a toggle. Explain (explain.go) says why a rule came out as it did for
// one provider; Words says what the rule asks of every provider.

// relations are the Dutch words of a comparison with a constant; dateRelations those of a
// comparison of dates ("op of na de peildatum").
var (
	relations = map[string]string{
		">=": "ten minste", ">": "meer dan", "<=": "ten hoogste", "<": "minder dan", "==": "is", "!=": "is niet", "in": "bevat",
	}
	dateRelations = map[string]string{
		">=": "op of na", ">": "na", "<=": "op of voor", "<": "voor", "==": "op", "!=": "niet op",
	}
)

// Words renders the rule as one Dutch sentence, the facts named by their labels (per-insurer
// labels with the insurer's name) and the thresholds in Dutch notation: "Omzet Zorg en
// Zekerheid-verzekerden ten minste € 100.000,00 of marktaandeel Zorg en Zekerheid ten
// minste 25%".
func (r *Rule) Words(env *RuleEnv, insurer string) string {
	if r == nil || r.Tree == nil {
		return ""
	}
	return upperFirst(r.Tree.words(env, insurer))
}

// RuleWords is the rule of requirement i of c in words ("" when it has none).
func (lib *Library) RuleWords(c *Compiled, i int) string {
	if i < 0 || i >= len(c.Rules) {
		return ""
	}
	return c.Rules[i].Words(lib.Env, lib.InsurerName(c.Insurer))
}

func (n *Node) words(env *RuleEnv, insurer string) string {
	switch n.Op {
	case "leaf":
		return n.Leaf.words(env, insurer, false)
	case "not":
		if k := n.Kids[0]; k.Op == "leaf" {
			return k.Leaf.words(env, insurer, true)
		}
		return "niet (" + n.Kids[0].words(env, insurer) + ")"
	}
	parts := make([]string, len(n.Kids))
	for i, k := range n.Kids {
		parts[i] = k.words(env, insurer)
		if k.Op == "and" || k.Op == "or" {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	if n.Op == "or" {
		return nl.JoinOr(parts)
	}
	return nl.Join(parts)
}

// words renders one leaf; negated for a leaf under "not".
func (l *Leaf) words(env *RuleEnv, insurer string, negated bool) string {
	if l.Fact == "" {
		s := "voorwaarde `" + l.Expr + "`"
		if negated {
			return "niet " + s
		}
		return s
	}
	def, _ := env.Facts.Lookup(l.Fact)
	label := lowerFirst(def.LabelFor(insurer))
	if l.Op == "" { // a boolean fact
		return label + ": " + nl.Bool(!negated)
	}
	rel := relation(def.Type, l.Op)
	threshold := "de peildatum"
	if l.ConstIs != VarReferenceDate {
		threshold = FormatValue(def.Type, l.Const)
	}
	s := label + " " + rel + " " + threshold
	if negated {
		return "niet: " + s
	}
	return s
}

// relation is a comparison of a fact of type t in words.
func relation(t provider.FactType, op string) string {
	if t == provider.Date {
		return dateRelations[op]
	}
	return relations[op]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}
