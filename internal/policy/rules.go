package policy

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"zorginkoop/internal/provider"
)

// Names every rule can use besides the facts.
const (
	VarReferenceDate = "peildatum"
	VarContractYear  = "contractjaar"
	VarCareTypes     = "zorgsoorten"
	VarSpecialisms   = "specialismen"
	// VarRunningContract is true when the provider has a contract with the policy's insurer
	// that runs in the policy's first contract year (e.g. the second year of a two-year
	// agreement): an existing contract partner, not a newcomer. Contracts are the insurer's
	// own data, so it is always known.
	VarRunningContract = "lopend_contract"
)

// numBuiltins is the number of built-in variables, whose slots follow the facts'.
const numBuiltins = 5

// ruleCostLimit caps the work one rule evaluation may do; policy rules are small
// comparisons, so a rule that may reach this is a mistake in the policy file. It is checked
// once, statically, when the policy loads: every list and text a rule can read is bounded
// (provider.MaxListItems, provider.MaxTextLength, enforced when facts are stored), so the
// estimate is a true upper bound and evaluation needs no cost tracking, which would double
// the time of every evaluation.
const ruleCostLimit = 10_000

// MaxRuleLength caps a rule's text in bytes: the longest shipped rule is far shorter, and a
// longer one is a mistake or an attempt to make the compiler work hard.
const MaxRuleLength = 4000

// RuleEnv is the CEL environment in which policy rules are compiled: one variable per
// declared fact plus the built-ins. Variables are resolved by slot, so an activation is a
// slice, not a map built per provider.
type RuleEnv struct {
	env   *cel.Env
	Facts *provider.Catalogue
	slots map[string]int
}

// Slot numbers of the built-in variables come after the facts.
func (e *RuleEnv) builtinSlot(k int) int { return len(e.Facts.Defs) + k }

// NumSlots is the length of an activation's value slice.
func (e *RuleEnv) NumSlots() int { return len(e.Facts.Defs) + numBuiltins }

// NewRuleEnv declares the catalogue's facts as CEL variables.
func NewRuleEnv(cat *provider.Catalogue) (*RuleEnv, error) {
	e := &RuleEnv{Facts: cat, slots: make(map[string]int, len(cat.Defs)+numBuiltins)}
	opts := []cel.EnvOption{
		cel.CrossTypeNumericComparisons(true),
		cel.EnableMacroCallTracking(), // lets a leaf with exists()/all() be printed back for explanations
		cel.Function("eur", cel.Overload("eur_int", []*cel.Type{cel.IntType}, cel.IntType,
			cel.UnaryBinding(func(v ref.Val) ref.Val { return v.(types.Int) * 100 }))),
		cel.Function("datum", cel.Overload("datum_string", []*cel.Type{cel.StringType}, cel.TimestampType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				d, err := ParseDate(string(v.(types.String)))
				if err != nil {
					return types.NewErr("datum: %v", err)
				}
				return types.Timestamp{Time: d.Time}
			}))),
	}
	for i, d := range cat.Defs {
		if !d.Type.Valid() {
			return nil, fmt.Errorf("fact %s: unknown type %q", d.Key, d.Type)
		}
		e.slots[d.Key] = i
		opts = append(opts, cel.Variable(d.Key, celType(d.Type)))
	}
	for k, v := range []struct {
		name string
		t    *cel.Type
	}{{VarReferenceDate, cel.TimestampType}, {VarContractYear, cel.IntType},
		{VarCareTypes, cel.ListType(cel.StringType)}, {VarSpecialisms, cel.ListType(cel.StringType)},
		{VarRunningContract, cel.BoolType}} {
		if _, dup := e.slots[v.name]; dup {
			return nil, fmt.Errorf("fact %s: the name is reserved for the built-in variable", v.name)
		}
		e.slots[v.name] = e.builtinSlot(k)
		opts = append(opts, cel.Variable(v.name, v.t))
	}
	env, err := cel.NewEnv(opts...)
	if err != nil {
		return nil, err
	}
	e.env = env
	return e, nil
}

func celType(t provider.FactType) *cel.Type {
	switch t {
	case provider.Bool:
		return cel.BoolType
	case provider.Int, provider.Money:
		return cel.IntType
	case provider.Number, provider.Percent:
		return cel.DoubleType
	case provider.Date:
		return cel.TimestampType
	case provider.List:
		return cel.ListType(cel.StringType)
	}
	return cel.StringType
}

// Value converts a fact's canonical text into its CEL value.
func Value(t provider.FactType, canonical string) (ref.Val, error) {
	switch t {
	case provider.Bool:
		// Only the canonical texts: any other stored text is unreadable (unknown), not false.
		switch canonical {
		case "true":
			return types.True, nil
		case "false":
			return types.False, nil
		}
		return nil, fmt.Errorf("%q is not a canonical bool (true or false)", canonical)
	case provider.Int, provider.Money:
		n, err := strconv.ParseInt(canonical, 10, 64)
		return types.Int(n), err
	case provider.Number, provider.Percent:
		f, err := strconv.ParseFloat(canonical, 64)
		return types.Double(f), err
	case provider.Date:
		d, err := time.Parse(time.DateOnly, canonical)
		return types.Timestamp{Time: d}, err
	case provider.List:
		var items []string
		if err := json.Unmarshal([]byte(canonical), &items); err != nil {
			return nil, err
		}
		return types.NewStringList(types.DefaultTypeAdapter, items), nil
	}
	return types.String(canonical), nil
}

// Rule is a compiled requirement rule.
type Rule struct {
	Expr    string
	program cel.Program
	Facts   []string // fact keys the rule refers to, in order of appearance
	Tree    *Node    // the rule split into parts, for explanations
}

// Node is a part of a rule: a conjunction, disjunction, negation or a leaf comparison.
type Node struct {
	Op   string // "and", "or", "not", "leaf"
	Kids []*Node
	Leaf *Leaf
}

// Leaf is a comparison or other atomic part of a rule, compiled on its own so it can be
// evaluated to explain the outcome.
type Leaf struct {
	Expr    string
	program cel.Program
	Fact    string  // the fact compared, if the leaf has the shape fact OP constant
	Op      string  // CEL operator: ">=", "<", "==", "in", "" for a boolean fact
	Const   ref.Val // the constant compared with (nil for a boolean fact)
	ConstIs string  // "peildatum" when compared with the reference date
	Facts   []string
}

// Compile type-checks a rule expression; it must yield a bool.
func (e *RuleEnv) Compile(expr string) (*Rule, error) {
	checked, prg, err := e.compile(expr)
	if err != nil {
		return nil, err
	}
	r := &Rule{Expr: expr, program: prg}
	native := checked.NativeRep()
	r.Facts = e.referencedFacts(native.Expr())
	r.Tree, err = e.split(native.Expr(), native.SourceInfo())
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (e *RuleEnv) compile(expr string) (*cel.Ast, cel.Program, error) {
	if len(expr) > MaxRuleLength {
		return nil, nil, fmt.Errorf("the rule is %d bytes long; at most %d are allowed", len(expr), MaxRuleLength)
	}
	checked, iss := e.env.Compile(expr)
	if iss.Err() != nil {
		msgs := make([]string, 0, len(iss.Errors()))
		for _, x := range iss.Errors() {
			msgs = append(msgs, fmt.Sprintf("%s (column %d)", x.Message, x.Location.Column()+1))
		}
		return nil, nil, fmt.Errorf("%s", strings.Join(msgs, "; "))
	}
	if checked.OutputType() != cel.BoolType {
		return nil, nil, fmt.Errorf("the rule must be true or false, but gives %s", checked.OutputType())
	}
	// A rule whose cost cannot be bounded is refused: evaluation has no cost tracking.
	est, err := e.env.EstimateCost(checked, sizeEstimator{})
	if err != nil {
		return nil, nil, fmt.Errorf("the rule's cost cannot be estimated: %v", err)
	}
	if est.Max > ruleCostLimit {
		return nil, nil, fmt.Errorf("the rule is too costly to evaluate (estimated cost %d, limit %d)", est.Max, ruleCostLimit)
	}
	// Fold constant parts such as eur(100000) into literals once, instead of per evaluation.
	folder, err := cel.NewConstantFoldingOptimizer()
	if err != nil {
		return nil, nil, err
	}
	opt, err := cel.NewStaticOptimizer(folder)
	if err != nil {
		return nil, nil, err
	}
	optimized, iss := opt.Optimize(e.env, checked)
	if iss.Err() != nil {
		return nil, nil, iss.Err()
	}
	prg, err := e.env.Program(optimized, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, nil, err
	}
	return checked, prg, nil
}

// referencedFacts lists the facts (not built-ins) an expression reads.
func (e *RuleEnv) referencedFacts(x ast.Expr) []string {
	var out []string
	seen := map[string]bool{}
	ast.PostOrderVisit(x, ast.NewExprVisitor(func(n ast.Expr) {
		if n.Kind() != ast.IdentKind {
			return
		}
		name := n.AsIdent()
		if _, isFact := e.Facts.Lookup(name); isFact && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}))
	return out
}

var flipped = map[string]string{">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}

func (e *RuleEnv) split(x ast.Expr, info *ast.SourceInfo) (*Node, error) {
	if x.Kind() == ast.CallKind {
		c := x.AsCall()
		switch c.FunctionName() {
		case "_&&_", "_||_":
			op := map[string]string{"_&&_": "and", "_||_": "or"}[c.FunctionName()]
			n := &Node{Op: op}
			for _, a := range c.Args() {
				kid, err := e.split(a, info)
				if err != nil {
					return nil, err
				}
				// Flatten a && (b && c) into one list, as a reader sees it.
				if kid.Op == op {
					n.Kids = append(n.Kids, kid.Kids...)
				} else {
					n.Kids = append(n.Kids, kid)
				}
			}
			return n, nil
		case "!_":
			kid, err := e.split(c.Args()[0], info)
			if err != nil {
				return nil, err
			}
			return &Node{Op: "not", Kids: []*Node{kid}}, nil
		}
	}
	text, err := cel.ExprToString(x, info)
	if err != nil {
		return nil, err
	}
	_, prg, err := e.compile(text)
	if err != nil {
		return nil, fmt.Errorf("part %q: %w", text, err)
	}
	leaf := &Leaf{Expr: text, program: prg, Facts: e.referencedFacts(x)}
	e.shape(leaf, x)
	return &Node{Op: "leaf", Leaf: leaf}, nil
}

// shape recognises "fact OP constant", "constant OP fact", a bare boolean fact and
// "'x' in listfact", so that explanations can name the fact and the threshold.
func (e *RuleEnv) shape(l *Leaf, x ast.Expr) {
	switch x.Kind() {
	case ast.IdentKind:
		if _, ok := e.Facts.Lookup(x.AsIdent()); ok {
			l.Fact = x.AsIdent()
		}
		return
	case ast.CallKind:
	default:
		return
	}
	c := x.AsCall()
	args := c.Args()
	if len(args) != 2 {
		return
	}
	op := strings.Trim(c.FunctionName(), "_")
	if op == "@in" {
		if v, ok := e.constant(args[0]); ok && args[1].Kind() == ast.IdentKind {
			l.Fact, l.Op, l.Const = args[1].AsIdent(), "in", v
		}
		return
	}
	if _, ok := flipped[op]; !ok {
		return
	}
	left, right := args[0], args[1]
	if left.Kind() != ast.IdentKind || e.isBuiltin(left.AsIdent()) {
		left, right, op = right, left, flipped[op]
	}
	if left.Kind() != ast.IdentKind {
		return
	}
	if _, ok := e.Facts.Lookup(left.AsIdent()); !ok {
		return
	}
	if right.Kind() == ast.IdentKind && right.AsIdent() == VarReferenceDate {
		l.Fact, l.Op, l.ConstIs = left.AsIdent(), op, VarReferenceDate
		return
	}
	if v, ok := e.constant(right); ok {
		l.Fact, l.Op, l.Const = left.AsIdent(), op, v
	}
}

func (e *RuleEnv) isBuiltin(name string) bool {
	i, ok := e.slots[name]
	return ok && i >= len(e.Facts.Defs)
}

// constant evaluates a literal, eur(literal) or datum(literal).
func (e *RuleEnv) constant(x ast.Expr) (ref.Val, bool) {
	switch x.Kind() {
	case ast.LiteralKind:
		return x.AsLiteral(), true
	case ast.CallKind:
		c := x.AsCall()
		if (c.FunctionName() == "eur" || c.FunctionName() == "datum") && len(c.Args()) == 1 && c.Args()[0].Kind() == ast.LiteralKind {
			arg := c.Args()[0].AsLiteral()
			if c.FunctionName() == "eur" {
				if n, ok := arg.(types.Int); ok {
					return n * 100, true
				}
				return nil, false
			}
			if s, ok := arg.(types.String); ok {
				if d, err := ParseDate(string(s)); err == nil {
					return types.Timestamp{Time: d.Time}, true
				}
			}
		}
	}
	return nil, false
}

// Activation resolves rule variables from a slice of values indexed by slot; a nil slot is
// an unknown fact. It implements interpreter.Activation without a per-provider map.
type Activation struct {
	env  *RuleEnv
	Vals []ref.Val
}

// NewActivation returns an activation with every slot unknown.
func (e *RuleEnv) NewActivation() *Activation {
	return &Activation{env: e, Vals: make([]ref.Val, e.NumSlots())}
}

// Set puts a fact's value in its slot.
func (a *Activation) Set(key string, v ref.Val) {
	if i, ok := a.env.slots[key]; ok {
		a.Vals[i] = v
	}
}

// SetBuiltins sets the reference date, contract year, the provider's care types and
// specialisms, and whether it has a running contract with the policy's insurer.
func (a *Activation) SetBuiltins(ref time.Time, year int, careTypes, specialisms []string, running bool) {
	e := a.env
	a.Vals[e.builtinSlot(0)] = types.Timestamp{Time: ref}
	a.Vals[e.builtinSlot(1)] = types.Int(year)
	a.Vals[e.builtinSlot(2)] = types.NewStringList(types.DefaultTypeAdapter, careTypes)
	a.Vals[e.builtinSlot(3)] = types.NewStringList(types.DefaultTypeAdapter, specialisms)
	a.Vals[e.builtinSlot(4)] = types.Bool(running)
}

// Get returns the value of a variable, or nil when unknown.
func (a *Activation) Get(name string) ref.Val {
	if i, ok := a.env.slots[name]; ok {
		return a.Vals[i]
	}
	return nil
}

// Reset marks every slot unknown, so an activation can be reused.
func (a *Activation) Reset() { clear(a.Vals) }

func (a *Activation) ResolveName(name string) (any, bool) {
	i, ok := a.env.slots[name]
	if !ok {
		return nil, false
	}
	if v := a.Vals[i]; v != nil {
		return v, true
	}
	return types.NewUnknown(int64(i), nil), true
}

func (a *Activation) Parent() interpreter.Activation { return nil }

// Result of a rule: true, false or unknown (a needed fact is missing).
type Result int8

const (
	False Result = iota
	True
	Unknown
	Failed // the rule could not be evaluated (e.g. a runtime error): treated as needing review
)

// Eval evaluates the rule.
func (r *Rule) Eval(a *Activation) Result { return eval(r.program, a) }

// Eval evaluates a leaf.
func (l *Leaf) Eval(a *Activation) Result { return eval(l.program, a) }

func eval(p cel.Program, a *Activation) Result {
	out, _, err := p.Eval(a)
	if err != nil {
		if types.IsUnknown(out) {
			return Unknown
		}
		return Failed
	}
	switch v := out.(type) {
	case types.Bool:
		if v {
			return True
		}
		return False
	case *types.Unknown:
		return Unknown
	}
	return Failed
}

// sizeEstimator bounds the size of lists and texts by what a fact may hold
// (provider.MaxListItems, provider.MaxTextLength), so that the static cost estimate of a
// rule over a list fact, such as "'NIAZ' in certificaten", is finite and real.
type sizeEstimator struct{}

func (sizeEstimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	switch n.Type().Kind() {
	case types.ListKind:
		return &cost.SizeEstimate{Min: 0, Max: provider.MaxListItems}
	case types.StringKind:
		return &cost.SizeEstimate{Min: 0, Max: provider.MaxTextLength}
	}
	return nil
}

func (sizeEstimator) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}
