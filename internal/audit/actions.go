package audit

import (
	"fmt"
	"sync"
)

// Action is what an area records in the audit trail: its code and its Dutch names. Each
// area declares its actions in its own actions.go and registers them from an init, so
// that whatever renders the trail (the /logboek page, its CSV, the API) names them.
type Action struct {
	Name    string // the code stored with the entry: "policy.publish"
	Dutch   string // what was done: "Zorginkoopbeleid gepubliceerd"
	Refused string // what was refused: "Zorginkoopbeleid publiceren geweigerd"
	// Text, when set, names what was done from the entry itself (say, the new state a
	// change set); "" falls back to Dutch. It is not asked for refused attempts.
	Text func(Entry) string
}

var (
	actionsMu sync.RWMutex
	actions   = map[string]Action{}
)

// Register adds actions to those the trail can name. It panics on an action without a
// name or Dutch text, or one registered twice: both are programming errors, found when the
// program starts.
func Register(as ...Action) {
	actionsMu.Lock()
	defer actionsMu.Unlock()
	for _, a := range as {
		if a.Name == "" || a.Dutch == "" || a.Refused == "" {
			panic(fmt.Sprintf("audit: action %q without a name or Dutch text", a.Name))
		}
		if _, dup := actions[a.Name]; dup {
			panic(fmt.Sprintf("audit: action %q registered twice", a.Name))
		}
		actions[a.Name] = a
	}
}

// Registered reports whether the action named name has Dutch texts.
func Registered(name string) bool {
	actionsMu.RLock()
	defer actionsMu.RUnlock()
	_, ok := actions[name]
	return ok
}

// ActionText is the Dutch name of what e records, for the pages and the API:
// "Zorginkoopbeleid gepubliceerd", or for a refused attempt "Zorginkoopbeleid publiceren
// geweigerd". An action without a Dutch name is shown by its code ("offer.send").
func ActionText(e Entry) string {
	actionsMu.RLock()
	a, ok := actions[e.Action]
	actionsMu.RUnlock()
	switch {
	case !ok:
		return e.Action
	case e.Denied:
		return a.Refused
	case a.Text != nil:
		if t := a.Text(e); t != "" {
			return t
		}
	}
	return a.Dutch
}
